import { type AlertContent, changeCountOf } from '../model/alert';
import {
  type EscalationPolicy,
  type EscalationStepRecord,
  type EscalationTarget,
  targetOfStep,
} from '../model/escalation-policy';
import type { RenderedMessage } from './alert';
import { contextBlock, formatDuration, SEVERITY_LABELS, SEVERITY_MARKERS } from './alert-parts';
import { SLACK_LIMITS } from './limits';
import { channelMention, escapeMrkdwn, link, truncateMrkdwn } from './mrkdwn';

/*
 * Escalation steps: an alert nobody acknowledged in time is announced again, mentioning the channel's
 * configured target. This is the one place InfraWatch pings people itself (`<!here>`, `<!subteam^…>`), so the
 * mention is built here from a stored, validated id, never from text: escapeMrkdwn keeps neutralising every
 * `<!…>` that comes from an event or a user.
 */

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const USERGROUP_ID = /^S[A-Z0-9]{2,30}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,30}$/;

/**
 * The Slack mention of an escalation target, from its id: `<@U…>`, `<!subteam^S…>`, `<#C…>` or `<!here>`.
 * An id of the wrong shape (a corrupted setting) mentions nobody: `someone` rather than a broken or forged
 * mention.
 */
export function escalationTargetMention(target: EscalationTarget): string {
  switch (target.kind) {
    case 'here':
      return '<!here>';
    case 'user':
      return USER_ID.test(target.id) ? `<@${target.id}>` : 'someone';
    case 'usergroup':
      return USERGROUP_ID.test(target.id) ? `<!subteam^${target.id}>` : 'someone';
    case 'channel':
      return CHANNEL_ID.test(target.id) ? `<#${target.id}>` : 'another channel';
  }
}

export interface EscalationStepInput {
  alert: AlertContent;
  step: number;
  target: EscalationTarget;
  /** How long the alert has been unacknowledged, as configured (`15 min`, `30 min` for step 2). */
  afterMs: number;
  /** The alert message's permalink: set for a step posted in another channel, which links back to it. */
  permalink?: string;
}

/**
 * The escalation step's message: in the alert's thread, broadcast to the channel, mentioning the target
 * (`⏰ @oncall: critical alert not acknowledged for 15 min: alice opened tcp/22…`); for a channel target, a
 * message in that channel naming where the alert is and linking to it.
 */
export function renderEscalationStep(input: EscalationStepInput): RenderedMessage {
  const { alert, step, target } = input;
  const summary = alert.lines[0]?.summary ?? alert.lead.summary;
  const severity = `${SEVERITY_MARKERS[alert.severity]} ${SEVERITY_LABELS[alert.severity]}`;
  const waited = formatDuration(input.afterMs) ?? 'a while';
  const changes = changeCountOf(alert);
  const count = changes > 1 ? ` (${changes} changes)` : '';
  const state = step === 1 ? `not acknowledged for ${waited}` : `still not acknowledged after ${waited}`;
  const text =
    target.kind === 'channel'
      ? `⏰ ${severity} alert in ${channelMention(alert.channel)} ${state}${count}: ${
          input.permalink ? link(input.permalink, summary) : escapeMrkdwn(summary, { singleLine: true })
        }`
      : `⏰ ${escalationTargetMention(target)} ${severity} alert ${state}${count}: ${escapeMrkdwn(summary, {
          singleLine: true,
        })}. Acknowledge it on the message, or mute it.`;
  const clipped = truncateMrkdwn(text, SLACK_LIMITS.sectionText);
  return {
    text: clipped,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clipped, verbatim: true } }],
  };
}

/**
 * `⏰ escalated to @oncall after 15 min`, `⏰ escalated again to @oncall after 30 min`. `@here` is written as
 * plain text, not `<!here>`: should the alert ever be posted afresh (its message deleted), the note must not
 * ping the channel once more.
 */
export function escalationStepNote(record: EscalationStepRecord): string {
  const waited = formatDuration(record.afterMs) ?? 'a while';
  const who = record.target.kind === 'here' ? '@here' : escalationTargetMention(record.target);
  return `⏰ escalated ${record.step > 1 ? 'again ' : ''}to ${who} after ${waited}`;
}

/**
 * The alert message with its escalation steps announced, in a context line above its buttons (or its
 * acknowledgement). Only ever sent as a chat.update of the alert, which notifies nobody. At Slack's block
 * limit the notes go into the fallback text only.
 */
export function withEscalationSteps(
  message: RenderedMessage,
  sent: readonly EscalationStepRecord[],
): RenderedMessage {
  if (sent.length === 0) return message;
  const notes = sent.map(escalationStepNote);
  if (message.blocks.length >= SLACK_LIMITS.messageBlocks)
    return { ...message, text: `${message.text} (${notes.join('; ')})` };
  const note = contextBlock(notes.join(' · '));
  const last = message.blocks.at(-1);
  // Above the buttons, or above the acknowledgement line of an acknowledged alert (the last block either way).
  const at = last === undefined ? 0 : message.blocks.length - 1;
  return { ...message, blocks: [...message.blocks.slice(0, at), note, ...message.blocks.slice(at)] };
}

/**
 * A target as a settings reply names it. `quiet`: for a message posted in the channel (the announcement of a
 * new policy), which must ping nobody but the person named: `@here` as plain text and a user group by id.
 */
function targetLabel(target: EscalationTarget, quiet: boolean): string {
  if (!quiet) return escalationTargetMention(target);
  if (target.kind === 'here') return '@here';
  if (target.kind === 'usergroup')
    return USERGROUP_ID.test(target.id) ? `the user group \`${target.id}\`` : 'someone';
  return escalationTargetMention(target);
}

/**
 * `critical alerts not acknowledged after 15 min: <!here>, then again after 30 min: <!subteam^S1>`; `off`.
 * `quiet`: see {@link targetLabel}.
 */
export function describeEscalationPolicy(policy: EscalationPolicy | null, quiet = false): string {
  if (policy === null) return 'off: no alert is escalated';
  const first = targetLabel(targetOfStep(policy, 1), quiet);
  const second = targetLabel(targetOfStep(policy, 2), quiet);
  const severity =
    policy.severity === 'info' ? 'all' : policy.severity === 'warning' ? 'warning and critical' : 'critical';
  return `${severity} alerts nobody acknowledged after ${formatDuration(policy.afterMs)} go to ${first}, then after ${formatDuration(policy.afterMs * 2)} to ${second}`;
}
