/** What a mute silences: one watch, one actor (by ARN, or by name in one account), or one account. */
export type MuteTargetType = 'watch' | 'actor' | 'account';

/** A channel's mute: matching changes are still recorded and counted in the digest, but not posted. */
export interface Mute {
  channel: string;
  type: MuteTargetType;
  /** Watch id, actor name/ARN (lower-cased), or account id/alias. */
  value: string;
  /**
   * The account (id or alias, lower-cased) an actor mute by name applies to: a name such as `terraform-ci` can
   * be created in any account, so a name mute covers one account, one record each. Absent for ARN mutes (the
   * ARN names its account) and for watch and account mutes; an actor name mute without it was stored before
   * mutes were scoped and silences nothing (see {@link isUnscopedNameMute}).
   */
  account?: string;
  setBy: string;
  setAt: string;
  expiresAt: string;
}

/**
 * An actor mute by name with no account: written before name mutes were scoped to accounts. It cannot say
 * which account it was meant for, so it silences nothing (louder, never hiding another account's change) and
 * is listed as such until it expires or is lifted.
 */
export function isUnscopedNameMute(mute: Mute): boolean {
  return mute.type === 'actor' && mute.account === undefined && !/^arn:/i.test(mute.value);
}
