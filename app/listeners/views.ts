import type { App } from '@slack/bolt';
import * as z from 'zod';
import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { formatUtc, VIEW_IDS } from '../../src/views';
import { interactionDeps, type SlackAppDeps } from '../slack/deps';

const metadataSchema = z.object({ alertId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });
const MAX_NOTE = 500;

/** Modal submissions: "Acknowledge with note…". */
export function registerViews(app: App, deps: SlackAppDeps): void {
  app.view(VIEW_IDS.ackNoteModal, async ({ ack, body, view }) => {
    let alertId: string;
    try {
      alertId = metadataSchema.parse(JSON.parse(view.private_metadata)).alertId;
    } catch {
      await ack({
        response_action: 'errors',
        errors: { [VIEW_IDS.ackNoteBlock]: 'This form is out of date; open it again from the alert.' },
      });
      return;
    }
    const note = (view.state.values[VIEW_IDS.ackNoteBlock]?.[VIEW_IDS.ackNoteInput]?.value ?? '')
      .trim()
      .slice(0, MAX_NOTE);
    const result = await acknowledgeAlert(interactionDeps(deps), {
      alertId,
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
          ? 'New changes arrived in this alert: close this form, look at the updated message and acknowledge again.'
          : 'This alert no longer exists.';
    await ack({ response_action: 'errors', errors: { [VIEW_IDS.ackNoteBlock]: message } });
  });
}
