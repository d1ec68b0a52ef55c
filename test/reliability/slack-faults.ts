/**
 * A seeded, deterministic fault plan for the Slack stand-in: the n-th call of a method fails, or not, by the
 * seed alone, so a failing run replays with the same faults at the same calls (whatever the interleaving of
 * concurrent handlers does to which change makes that call).
 */
import type { FaultPlan, InjectedFailure } from '../../app/local/slack';
import { seededRandom } from './harness';

/** The failures Slack (or the network in front of it) gives, each with a name for the figures. */
export const SLACK_FAULTS = {
  /** 429 with a Retry-After the worker may wait out within the invocation. */
  rateLimitedShort: { status: 429, retryAfter: 1 },
  /** 429 with a Retry-After the worker must leave to a redelivery. */
  rateLimitedLong: { status: 429, retryAfter: 30 },
  serverErrorBefore: { status: 500 },
  /** Slack did the work, then the gateway failed: the answer with the ts is lost. */
  serverErrorAfter: { status: 500, afterApplying: true },
  /** Slack did the work and the answer was cut off: not JSON. */
  malformedAfter: { status: 200, body: '{"ok":true,"channel":"C0', afterApplying: true },
  apiError: { error: 'internal_error' },
  /** No answer until the client's timeout; half of them after Slack did the work. */
  hangBefore: { hang: true },
  hangAfter: { hang: true, afterApplying: true },
} as const satisfies Record<string, InjectedFailure>;

export type SlackFaultName = keyof typeof SLACK_FAULTS;

export interface SlackFaultPlan {
  plan: FaultPlan;
  /** How many of each fault were injected so far. */
  injected: Record<SlackFaultName, number>;
  total(): number;
}

/**
 * Fails about `rate` of the calls of `methods`, spread over every fault kind; hangs (each costs the client's
 * whole timeout) at most `maxHangs` times.
 */
export function slackFaultPlan(
  seed: number,
  options: { rate: number; methods: readonly string[]; maxHangs: number },
): SlackFaultPlan {
  const names = Object.keys(SLACK_FAULTS) as SlackFaultName[];
  const injected = Object.fromEntries(names.map((name) => [name, 0])) as Record<SlackFaultName, number>;
  const plan: FaultPlan = ({ method, index }) => {
    if (!options.methods.includes(method)) return undefined;
    let hash = seed;
    for (const char of `${method}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    const random = seededRandom(hash);
    if (random() >= options.rate) return undefined;
    let name = names[Math.floor(random() * names.length)] as SlackFaultName;
    if (name.startsWith('hang') && injected.hangBefore + injected.hangAfter >= options.maxHangs)
      name = 'serverErrorAfter';
    injected[name] += 1;
    return SLACK_FAULTS[name];
  };
  return { plan, injected, total: () => Object.values(injected).reduce((a, b) => a + b, 0) };
}
