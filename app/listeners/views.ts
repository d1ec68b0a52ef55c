import type { App } from '@slack/bolt';
import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { isAlertId } from '../../src/use-cases/channel-alert';
import { formatUtc, parseAckNoteMetadata, VIEW_IDS } from '../../src/views';
import { interactionDeps, type SlackAppDeps } from '../slack/deps';

const MAX_NOTE = 500;

/** Modal submissions: "Acknowledge with note…". */
export function registerViews(app: App, deps: SlackAppDeps): void {
  app.view(VIEW_IDS.ackNoteModal, async ({ ack, body, view }) => {
    const metadata = parseAckNoteMetadata(view.private_metadata);
    if (!metadata || !isAlertId(metadata.alertId)) {
      await ack({
        response_action: 'errors',
        errors: { [VIEW_IDS.ackNoteBlock]: 'This form is out of date; open it again from the alert.' },
      });
      return;
    }
    const note = (view.state.values[VIEW_IDS.ackNoteBlock]?.[VIEW_IDS.ackNoteInput]?.value ?? '')
      .trim()
      .slice(0, MAX_NOTE);
    const { alertId, shownRev } = metadata;
    const result = await acknowledgeAlert(interactionDeps(deps), {
      alertId,
      ...(shownRev === undefined ? {} : { shownRev }),
      userId: body.user.id,
      userName: body.user.name,
      ...(note ? { note } : {}),
    });
    if (result.status === 'acknowledged') {
      for (const { what, error } of result.problems)
        deps.log.warn(`Acknowledged, but ${what}`, { alertId, error });
      await ack();
      return;
    }
    // Shown inline in the modal (plain text: no mentions or dates there), so the person knows their note was
    // not recorded.
    const message =
      result.status === 'already-acknowledged'
        ? `Already acknowledged by ${result.acknowledgement.userName} at ${formatUtc(Date.parse(result.acknowledgement.at))}; your note was not saved.`
        : result.status === 'changed'
          ? 'This alert changed after you opened this form (new changes or a new status): close it, look at the updated message and acknowledge again.'
          : 'This alert no longer exists.';
    await ack({ response_action: 'errors', errors: { [VIEW_IDS.ackNoteBlock]: message } });
  });
}
