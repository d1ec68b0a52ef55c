import type { App, BlockButtonAction, BlockOverflowAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { acknowledgeAll } from '../../src/use-cases/acknowledge-all';
import { alertOfChannel } from '../../src/use-cases/channel-alert';
import { muteFromAlert, NotAllowedError } from '../../src/use-cases/channel-settings';
import { claimInteraction } from '../../src/use-cases/command-once';
import { investigateAlert, showInvestigation } from '../../src/use-cases/investigate';
import {
  ACTION_IDS,
  OVERFLOW_OPTIONS,
  parseAlertRef,
  parseDigestAckAllValue,
  parseOverflowValue,
  renderAckFailed,
  renderAckNoteModal,
  renderAlreadyAcknowledged,
  renderInvestigateModal,
  renderMuteAnnouncement,
  renderNotAllowed,
  VIEW_IDS,
} from '../../src/views';
import { interactionDeps, type SlackAppDeps, settingsDeps, watchTitle } from '../slack/deps';
import { createDigestMessenger, digestRenderer } from '../slack/digest-messenger';

/**
 * Said when a click does not match what the alert is now: new changes not on the message yet, or a render
 * (new changes, someone investigating, an escalation, the actor's answer) that landed after the person looked.
 * Nothing was acknowledged.
 */
export const CHANGED_TEXT =
  'This alert changed after you looked (new changes or a new status), so nothing was acknowledged yet. The message now shows it: have a look and acknowledge again.';

interface Where {
  channel: string;
  user: string;
}

async function tell(client: WebClient, where: Where, text: string): Promise<void> {
  await client.chat.postEphemeral({ channel: where.channel, user: where.user, text });
}

function whereOf(body: { channel?: { id: string }; user: { id: string } }): Where | undefined {
  return body.channel ? { channel: body.channel.id, user: body.user.id } : undefined;
}

function userNameOf(user: { id: string; username?: string; name?: string }): string {
  return user.username ?? user.name ?? user.id;
}

interface Click {
  team: { id: string } | null;
  user: { id: string; team_id?: string };
  trigger_id: string;
}

/**
 * Whether this is the first delivery of the click: a replay (the same signed request again, same trigger_id,
 * within the 5 minutes Slack's signature allows) neither acts nor answers again (see claimInteraction).
 */
function firstDelivery(deps: SlackAppDeps, click: Click): Promise<boolean> {
  if (!click.trigger_id) return Promise.resolve(true);
  return claimInteraction(deps, {
    teamId: click.team?.id ?? click.user.team_id ?? '',
    triggerId: click.trigger_id,
  });
}

/** The alert a click refers to, if it belongs to the clicking channel (see alertOfChannel). */
const alertForClick = (deps: SlackAppDeps, alertId: string, where: Where | undefined) =>
  alertOfChannel(deps, alertId, where?.channel);

export async function acknowledgeAndReport(
  deps: SlackAppDeps,
  client: WebClient,
  input: Parameters<typeof acknowledgeAlert>[1],
  where: Where | undefined,
  /** Claims the click before a refusal is said, so a replayed click is answered once (see firstDelivery). */
  first: () => Promise<boolean>,
): Promise<void> {
  const result = await acknowledgeAlert(interactionDeps(deps), input);
  const now = deps.clock.now().toISOString();
  if (result.status === 'acknowledged') {
    if (result.problems.length > 0) {
      for (const { what, error } of result.problems)
        deps.log.warn(`Acknowledged, but ${what}`, { alertId: input.alertId, error });
      if (where)
        await tell(client, where, `Acknowledged. Note: ${result.problems.map((p) => p.what).join('; ')}.`);
    }
    return;
  }
  if (!where) return;
  // Their own acknowledgement is on the message already: a second click (or a replay of the first) by the
  // same person needs no answer. The winning click claims nothing, so that its path stays one write.
  if (result.status === 'already-acknowledged' && result.acknowledgement.userId === input.userId) return;
  if (!(await first())) return;
  const text =
    result.status === 'already-acknowledged'
      ? renderAlreadyAcknowledged({ acknowledgement: result.acknowledgement, now }).text
      : result.status === 'changed'
        ? CHANGED_TEXT
        : renderAckFailed('not-found').text;
  await tell(client, where, text);
}

/** Alert buttons and the overflow menu. Each listener acks first and makes only a few quick calls. */
export function registerActions(app: App, deps: SlackAppDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.acknowledge, async ({ ack, body, action, client }) => {
    await ack();
    const where = whereOf(body);
    // A click without a channel cannot be checked against the alert's channel (nor answered).
    if (!where) return;
    // The alert must be the clicking channel's, and still at the revision the message showed: both checked by
    // the acknowledgement's own conditional write. A value that is not one of ours names no alert.
    const ref = parseAlertRef(action.value ?? '');
    await acknowledgeAndReport(
      deps,
      client,
      {
        alertId: ref?.alertId ?? '',
        ...(ref?.shownRev === undefined ? {} : { shownRev: ref.shownRev }),
        userId: body.user.id,
        userName: userNameOf(body.user),
        channel: where.channel,
      },
      where,
      () => firstDelivery(deps, body),
    );
  });

  app.action<BlockButtonAction>(ACTION_IDS.investigate, async ({ ack, body, action, client }) => {
    await ack();
    if (!(await firstDelivery(deps, body))) return;
    const where = whereOf(body);
    const alertId = action.value ?? '';
    const found = (await alertForClick(deps, alertId, where))
      ? await investigateAlert(deps, { alertId, userId: body.user.id, userName: userNameOf(body.user) })
      : undefined;
    if (!found) {
      if (where) await tell(client, where, renderAckFailed('not-found').text);
      return;
    }
    // Slack's trigger_id expires 3 s after the click: the modal opens before the message is updated.
    await client.views.open({
      trigger_id: body.trigger_id,
      view: renderInvestigateModal({
        content: found.content,
        raw: found.raw,
        related: found.related,
        now: deps.clock.now().toISOString(),
        accountAlias: deps.accountAliases,
        consoleAccess: deps.consoleAccess,
        watchTitle: watchTitle(deps, found.alert.watch),
      }),
    });
    await showInvestigation(interactionDeps(deps), found);
  });

  app.action<BlockOverflowAction>(ACTION_IDS.more, async ({ ack, body, action, client }) => {
    await ack();
    if (!(await firstDelivery(deps, body))) return;
    const where = whereOf(body);
    const selection = parseOverflowValue(action.selected_option.value);
    const alert = selection ? await alertForClick(deps, selection.alertId, where) : undefined;
    if (!selection || !alert) {
      if (where) await tell(client, where, renderAckFailed('not-found').text);
      return;
    }
    const option = OVERFLOW_OPTIONS.find((o) => o.kind === selection.kind);
    if (!option?.mute) {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: renderAckNoteModal({
          alertId: alert.id,
          summary: alert.headline,
          ...(selection.shownRev === undefined ? {} : { shownRev: selection.shownRev }),
        }),
      });
      return;
    }
    try {
      const mutes = await muteFromAlert(settingsDeps(deps), {
        alert,
        target: option.mute.target,
        durationMs: option.mute.durationMs,
        userId: body.user.id,
      });
      if (!mutes) {
        if (where) await tell(client, where, 'This alert has no watch to mute.');
        return;
      }
      const announcement = renderMuteAnnouncement({ mutes, now: deps.clock.now().toISOString() });
      await client.chat.postMessage({
        channel: alert.channel,
        text: announcement.text,
        ...(announcement.blocks ? { blocks: announcement.blocks } : {}),
      });
    } catch (error) {
      if (!(error instanceof NotAllowedError)) throw error;
      if (where) await tell(client, where, renderNotAllowed(error.action).text);
    }
  });

  app.action<BlockButtonAction>(VIEW_IDS.digestAckAll, async ({ ack, body, action, client }) => {
    await ack();
    if (!(await firstDelivery(deps, body))) return;
    const where = whereOf(body);
    const value = parseDigestAckAllValue(action.value ?? '');
    // The window names its channel; a click elsewhere (a forwarded message) must not reach into another one.
    if (!value || value.channel !== where?.channel) {
      if (where) await tell(client, where, renderAckFailed('not-found').text);
      return;
    }
    const result = await acknowledgeAll(
      {
        interaction: () => interactionDeps(deps),
        // The click's own client: its calls must fit Slack's 3-second answer budget.
        digest: { ...deps, messenger: createDigestMessenger(client), render: digestRenderer },
      },
      value,
      { userId: body.user.id, userName: userNameOf(body.user) },
      body.message?.ts,
    );
    if (where) await tell(client, where, result.summary);
  });
}
