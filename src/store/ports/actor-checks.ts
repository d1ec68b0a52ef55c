import type { ActorAnswer } from '../../model/actor-check';
import type { AlertRecord, SlackMessageRef } from './alerts';

/*
 * "Was this you?" state on the alert item (AlertRecord.actorCheck), so every transition is one conditional
 * write on the item the acknowledgement and the escalation steps write too. Lease-holder-only methods throw
 * LeaseLostError when the caller no longer holds the alert's render lease: the lease is what keeps two workers
 * from sending the same DM or reply at once.
 */

/**
 * `claimed`: the caller may send the DM; `earlierAttemptAt` is set when an earlier attempt may have sent it
 * already (its answer lost, or it crashed): look for it in Slack first. `sent`: it is in Slack (`dm`).
 * `asked-someone-else`: an earlier claim asked another user (the map changed since): that question stands.
 */
export type ActorAskClaim =
  | { status: 'claimed'; earlierAttemptAt?: string }
  | { status: 'sent'; dm: SlackMessageRef }
  | { status: 'asked-someone-else'; userId: string };

export type ActorAnswerResult =
  /** Recorded now. `alert` is the alert after the write (severity raised to critical on "No"). */
  | { status: 'recorded'; alert: AlertRecord }
  /** The first answer stands (same person, second click): nothing was written. */
  | { status: 'already-answered'; answer: ActorAnswer; alert: AlertRecord }
  /** Somebody else was asked: their answer is the one that counts. */
  | { status: 'not-asked'; askedUserId: string }
  | { status: 'not-found' };

/** `claimed`: send the reply (after looking for it in the thread when `earlierAttemptAt` is set). */
export type ActorNoticeClaim = { status: 'claimed'; earlierAttemptAt?: string } | { status: 'done' };

export interface ActorCheckRepository {
  /** Claims the question for `userId` (lease holder only); the first attempt's time and user are kept. */
  claimAsk(alertId: string, owner: string, userId: string, atIso: string): Promise<ActorAskClaim>;
  /** Records the DM that carries the question (lease holder only). */
  recordAsked(alertId: string, owner: string, dm: SlackMessageRef): Promise<void>;
  /**
   * Records the first answer of the user asked, by a conditional write, and bumps the alert's revision so its
   * message shows it. A "No" also raises the alert to critical and marks the channel as pinged at critical
   * (the "not theirs" reply is that ping, so no "turned critical" reply is sent on top of it).
   */
  recordAnswer(alertId: string, answer: ActorAnswer): Promise<ActorAnswerResult>;
  /** Claims the channel reply of a "No" (lease holder only). */
  claimNotice(alertId: string, owner: string, atIso: string): Promise<ActorNoticeClaim>;
  /** Records that the reply is in the thread (lease holder only). */
  recordNoticed(alertId: string, owner: string, atIso: string): Promise<void>;
}
