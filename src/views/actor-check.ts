import type { ActionsBlock, KnownBlock } from '@slack/types';
import { SLASH_COMMAND } from '../commands/parse';
import { type ActorAnswer, type ActorCheckSetting, DEFAULT_ASK_SEVERITY } from '../model/actor-check';
import type { AlertContent } from '../model/alert';
import type { RenderedMessage } from './alert';
import {
  type AccountAlias,
  accountField,
  contextBlock,
  fieldsBlock,
  headerBlock,
  regionField,
  SEVERITY_LABELS,
  SEVERITY_MARKERS,
  sectionBlock,
  toolField,
  whenField,
  whoField,
} from './alert-parts';
import { plainText, SLACK_LIMITS } from './limits';
import { channelMention, date, escapeMrkdwn, inlineCode, mention, truncateMrkdwn } from './mrkdwn';

/*
 * "Was this you?": the direct message to the person who made a change, its answered form, the line the alert
 * shows once they answered, and the channel reply of a "No". Every string from the change is escaped like in
 * every alert; the buttons carry the alert id only (the handler loads everything else from the store).
 */

/** `action_id`s of the question's buttons; `value` is the alert id. */
export const ACTOR_CHECK_ACTION_IDS = {
  yes: 'infrawatch_actor_yes',
  no: 'infrawatch_actor_no',
} as const;

/** `block_id` of the question's actions block. */
export const ACTOR_CHECK_BLOCK_ID = 'infrawatch_actor_check';

export interface ActorQuestionInput {
  alert: AlertContent;
  accountAlias?: AccountAlias;
}

function describe(input: ActorQuestionInput): KnownBlock[] {
  const { alert } = input;
  const change = alert.lead;
  const count =
    alert.lines.length > 1 ? ` (and ${alert.lines.length - 1} more changes in the same burst)` : '';
  return [
    sectionBlock(
      `${SEVERITY_MARKERS[alert.severity]} ${SEVERITY_LABELS[alert.severity]} change in ${channelMention(alert.channel)}${escapeMrkdwn(count)}:\n${escapeMrkdwn(change.summary === '' ? change.eventName : change.summary)}`,
    ),
    fieldsBlock([
      whoField(change),
      accountField(change.account, input.accountAlias),
      regionField([change.region]),
      whenField(change.time),
      toolField(change),
    ]),
  ];
}

const summaryText = (alert: AlertContent) =>
  escapeMrkdwn(alert.lead.summary === '' ? alert.lead.eventName : alert.lead.summary, { singleLine: true });

/** The question: the change (who, what, where, when) and **Yes, that was me** / **No, this wasn't me**. */
export function renderActorQuestion(input: ActorQuestionInput): RenderedMessage {
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: ACTOR_CHECK_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: ACTOR_CHECK_ACTION_IDS.yes,
        text: plainText('Yes, that was me', SLACK_LIMITS.buttonText),
        style: 'primary',
        value: input.alert.id,
      },
      {
        type: 'button',
        action_id: ACTOR_CHECK_ACTION_IDS.no,
        text: plainText("No, this wasn't me", SLACK_LIMITS.buttonText),
        style: 'danger',
        value: input.alert.id,
      },
    ],
  };
  return {
    text: truncateMrkdwn(`Was this you? ${summaryText(input.alert)}`, 3000),
    blocks: [
      headerBlock('Was this you?'),
      ...describe(input),
      contextBlock(
        'InfraWatch asks the person who made a change. "No" raises the alert to critical and alerts the channel at once.',
      ),
      actions,
    ],
  };
}

/** The question once answered: the change, and what was answered (no buttons). */
export function renderActorQuestionAnswered(
  input: ActorQuestionInput & { answer: ActorAnswer },
): RenderedMessage {
  const said =
    input.answer.answer === 'yes'
      ? `☑ You said this was you · ${date(input.answer.at)}. Thanks: the alert says so.`
      : `🚨 You said this wasn't you · ${date(input.answer.at)}. The alert was raised to critical and the channel alerted.`;
  return {
    text: truncateMrkdwn(`Was this you? ${summaryText(input.alert)}`, 3000),
    blocks: [headerBlock('Was this you?'), ...describe(input), contextBlock(said)],
  };
}

/** The alert's line: `☑ confirmed by @alice (the actor)`, `🚨 @alice says this change was not theirs`. */
export function actorAnswerNote(answer: ActorAnswer): string {
  const who = mention(answer.userId, answer.userName);
  return answer.answer === 'yes'
    ? `☑ confirmed by ${who} (the actor) · ${date(answer.at)}`
    : `🚨 ${who} says this change was not theirs (raised to critical) · ${date(answer.at)}`;
}

/**
 * The alert message with the actor's answer in a context line above its buttons (or its acknowledgement),
 * like the escalation notes. Only ever sent as a chat.update, which notifies nobody.
 */
export function withActorAnswer(message: RenderedMessage, answer: ActorAnswer | undefined): RenderedMessage {
  if (answer === undefined) return message;
  const note = actorAnswerNote(answer);
  if (message.blocks.length >= SLACK_LIMITS.messageBlocks)
    return { ...message, text: `${message.text} (${note})` };
  const at = Math.max(0, message.blocks.length - 1);
  return {
    ...message,
    blocks: [...message.blocks.slice(0, at), contextBlock(note), ...message.blocks.slice(at)],
  };
}

/** The thread reply, broadcast to the channel, of a "No": `🚨 @alice says this change was not theirs: …`. */
export function renderActorDenied(alert: AlertContent, answer: ActorAnswer): RenderedMessage {
  const text = truncateMrkdwn(
    `🚨 ${mention(answer.userId, answer.userName)} says this change was not theirs: ${summaryText(alert)}. The alert is now critical and escalates at once: look at it now.`,
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } }] };
}

/** The `list` section: who is asked "Was this you?" here, and what their "Yes" does. */
export function actorCheckSection(setting: ActorCheckSetting | null): string {
  const ask =
    setting?.ask === undefined
      ? `${DEFAULT_ASK_SEVERITY} and critical changes (the default; ${inlineCode(`${SLASH_COMMAND} ask-actors on|off`)} changes it)`
      : setting.ask
        ? 'every change'
        : 'no change (off)';
  const confirms =
    setting?.confirms === 'acknowledge'
      ? 'shows on the alert and acknowledges it'
      : `shows on the alert; someone else still acknowledges it (${inlineCode(`${SLASH_COMMAND} actor-confirms acknowledge`)} changes it)`;
  const by = setting ? ` — by ${mention(setting.setBy, setting.setBy)}, ${date(setting.setAt)}` : '';
  return `*Was this you?*\nThe person who made a change is asked for ${ask}. Their "Yes" ${confirms}${by}.`;
}
