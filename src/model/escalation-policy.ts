import type { Severity } from './severity';

/*
 * Escalation of unacknowledged alerts ("escalation steps"). Not to be confused with the older "escalation"
 * of a burst whose severity rose after it was posted (the broadcast reply of src/views/escalation.ts): that
 * one announces new content; an escalation step announces that nobody acknowledged an alert in time.
 */

/**
 * Who an escalation step mentions. Ids only (as Slack sends them in an escaped mention: `<@U…|name>`,
 * `<!subteam^S…|@handle>`, `<#C…|name>`, `<!here>`), never names: the mention is built from the id, so
 * nothing a user or an event wrote can turn into a ping.
 */
export type EscalationTarget =
  | { readonly kind: 'user'; readonly id: string }
  | { readonly kind: 'usergroup'; readonly id: string }
  /** Step posted in that channel (with a link to the alert) instead of the alert's thread. */
  | { readonly kind: 'channel'; readonly id: string }
  | { readonly kind: 'here' };

/** How many steps an alert gets at most: the first after `afterMs`, the second after `2 × afterMs`, then none. */
export const ESCALATION_STEP_COUNT = 2;

/**
 * A channel's escalation rule: alerts of `severity` or above that nobody acknowledged `afterMs` after they
 * were posted (at that severity) get step 1, mentioning `targets[0]`; after the same time again, step 2,
 * mentioning `targets[1]` when configured (`… to @oncall then @sre-leads`), else `targets[0]` again.
 */
export interface EscalationPolicy {
  readonly severity: Severity;
  readonly afterMs: number;
  readonly targets: readonly [EscalationTarget] | readonly [EscalationTarget, EscalationTarget];
}

/** What a channel gets until it says otherwise: critical alerts, after 15 minutes, to `@here`. */
export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  severity: 'critical',
  afterMs: 15 * 60_000,
  targets: [{ kind: 'here' }],
};

/** The shortest and longest wait a channel may configure. */
export const MIN_ESCALATION_AFTER_MS = 60_000;
export const MAX_ESCALATION_AFTER_MS = 24 * 3600_000;

/** A channel's stored choice: a policy, or `null` for `/infrawatch escalate off`. */
export interface EscalationSetting {
  readonly channel: string;
  readonly policy: EscalationPolicy | null;
  readonly setBy: string;
  readonly setAt: string;
}

/** The policy in force in a channel: its own setting, else the default. `null`: escalation is off there. */
export function policyOf(settings: readonly EscalationSetting[], channel: string): EscalationPolicy | null {
  const setting = settings.find((s) => s.channel === channel);
  return setting === undefined ? DEFAULT_ESCALATION_POLICY : setting.policy;
}

/** The target of step `step` (1-based) under `policy`. */
export function targetOfStep(policy: EscalationPolicy, step: number): EscalationTarget {
  return (step >= 2 ? policy.targets[1] : undefined) ?? policy.targets[0];
}

/** One escalation step that was sent, as the alert message announces it ("⏰ escalated to … after 15 min"). */
export interface EscalationStepRecord {
  readonly step: number;
  readonly target: EscalationTarget;
  /** How long the alert had been unacknowledged, as configured (the nominal time, not a scaled local one). */
  readonly afterMs: number;
  /** ISO time the step was recorded as sent. */
  readonly at: string;
}
