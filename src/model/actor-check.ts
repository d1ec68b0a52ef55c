import { SEVERITY_RANK, type Severity } from './severity';

/*
 * "Was this you?": the person who made a change is asked in a direct message, and their answer is shown on
 * the alert. See src/changes/actor-identity.ts for who is asked, src/use-cases/actor-check.ts for the flow.
 */

export type ActorAnswerKind = 'yes' | 'no';

/** The actor's answer, recorded once (the first click). */
export interface ActorAnswer {
  readonly answer: ActorAnswerKind;
  readonly userId: string;
  readonly userName: string;
  /** ISO-8601. */
  readonly at: string;
}

/** Where the question stands on an alert (AlertRecord.actorCheck). */
export interface ActorCheckState {
  /** The Slack user asked: the only one whose answer counts. */
  readonly userId: string;
  /** Set before the first DM attempt: from then on the DM may be in Slack, whatever the answer was. */
  readonly askedAt: string;
  /** The DM, once it is known to be in Slack. */
  readonly dm?: { readonly channel: string; readonly ts: string };
  readonly answer?: ActorAnswer;
  /** "No" only: set before the channel's "… says this change was not theirs" reply is first attempted. */
  readonly noticeAttemptAt?: string;
  /** "No" only: the reply is in the thread. */
  readonly noticedAt?: string;
}

/** What a "Yes" does beyond showing "☑ confirmed by @alice (the actor)": nothing more, or acknowledge the alert. */
export type ActorConfirms = 'show' | 'acknowledge';

/** A channel's "Was this you?" settings (`/infrawatch ask-actors on|off`, `/infrawatch actor-confirms …`). */
export interface ActorCheckSetting {
  readonly channel: string;
  /** Unset: the default (warning and critical changes ask, info ones do not). */
  readonly ask?: boolean;
  /** Unset: `show`. */
  readonly confirms?: ActorConfirms;
  readonly setBy: string;
  readonly setAt: string;
}

/** Without a setting, alerts of this severity or above ask their actor. */
export const DEFAULT_ASK_SEVERITY: Severity = 'warning';

/** Whether an alert of `severity` in a channel with `setting` asks its actor. */
export function asksActor(setting: ActorCheckSetting | undefined, severity: Severity): boolean {
  if (setting?.ask !== undefined) return setting.ask;
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[DEFAULT_ASK_SEVERITY];
}

/** The setting of one channel, if it has one. */
export function actorCheckSettingOf(
  settings: readonly ActorCheckSetting[] | undefined,
  channel: string,
): ActorCheckSetting | undefined {
  return settings?.find((setting) => setting.channel === channel);
}
