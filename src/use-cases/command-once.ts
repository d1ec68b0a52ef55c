import { createHash } from 'node:crypto';
import type { Command } from '../commands/parse';
import type { Store } from '../store/ports';
import type { Clock } from './ports';

/**
 * A signed slash command (or click) can arrive more than once: replayed as is (same `trigger_id`) within the
 * 5 minutes its signature is accepted, or submitted twice by an impatient user (new `trigger_id`, same words).
 * Each copy may reach a different Lambda container, so "seen it" lives in the store, as a conditional write.
 */

/** A command's words from one user in one channel count once within this window. */
export const REPEAT_WINDOW_MS = 10_000;
/** Longer than a signature stays valid either way (5 minutes), so a replayed request always finds its claim. */
export const TRIGGER_CLAIM_MS = 15 * 60_000;

/** Commands whose effect (a change, an announcement, a digest) must happen once; reads may repeat freely. */
const ACTS_ONCE: ReadonlySet<Command['kind']> = new Set([
  'subscribe',
  'unsubscribe',
  'mute',
  'unmute',
  'escalate',
  'digest',
]);

export interface CommandRequest {
  teamId: string;
  channel: string;
  userId: string;
  triggerId: string;
  command: Command;
}

export interface CommandClaim {
  /** Gives the claims back after a failure, so the user's retry acts. */
  release(): Promise<void>;
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');
const triggerKey = (teamId: string, triggerId: string) => hash('trigger', teamId, triggerId);

/**
 * Claims one interaction (a button click, a menu choice) by its `trigger_id`: Slack gives every click its own,
 * so a second request with the same one is a replay of the first (accepted by its signature for 5 minutes).
 * @returns false for a replay, which must neither act nor answer again.
 */
export function claimInteraction(
  deps: { store: Store; clock: Clock },
  request: { teamId: string; triggerId: string },
): Promise<boolean> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + TRIGGER_CLAIM_MS).toISOString();
  return deps.store.requests.claim(triggerKey(request.teamId, request.triggerId), now.toISOString(), until);
}

/**
 * Claims the right to act on one command request. @returns the claim, or `undefined` when the same request
 * (same trigger_id), or the same command by the same user in the same channel, already acted moments ago.
 */
export async function claimCommand(
  deps: { store: Store; clock: Clock },
  request: CommandRequest,
): Promise<CommandClaim | undefined> {
  if (!ACTS_ONCE.has(request.command.kind)) return { release: async () => {} };
  const now = deps.clock.now();
  const claims = [
    {
      key: triggerKey(request.teamId, request.triggerId),
      until: new Date(now.getTime() + TRIGGER_CLAIM_MS).toISOString(),
    },
    {
      // The parsed command, not the raw text: "Mute  CloudTrail" and "mute cloudtrail" are the same request.
      key: hash('command', request.teamId, request.channel, request.userId, JSON.stringify(request.command)),
      until: new Date(now.getTime() + REPEAT_WINDOW_MS).toISOString(),
    },
  ];
  const taken: typeof claims = [];
  for (const claim of claims) {
    // A refused second claim leaves the first in place: that trigger_id belongs to a repeat.
    if (!(await deps.store.requests.claim(claim.key, now.toISOString(), claim.until))) return undefined;
    taken.push(claim);
  }
  return {
    release: async () => {
      for (const claim of taken) await deps.store.requests.release(claim.key, claim.until);
    },
  };
}
