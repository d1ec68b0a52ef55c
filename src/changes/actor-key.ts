import type { Actor } from '../model/change';

/**
 * The stable key of an actor for burst grouping, mutes and the by-actor index: the ARN when CloudTrail
 * recorded one (an assumed-role ARN includes the session name, so two people on one role stay apart),
 * else the display name. Lower-cased: ARNs are case-insensitive in practice for this purpose.
 */
export function actorKeyOf(actor: Pick<Actor, 'arn' | 'display'>): string {
  return (actor.arn ?? actor.display).toLowerCase();
}
