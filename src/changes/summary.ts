import { onResources, shortName } from './phrases';
import { clip } from './read';
import { handlerOf } from './registry';
import type { SummaryInput } from './service';

export type { SummaryInput } from './service';

/** Services whose API calls are not tied to the region CloudTrail records (it says us-east-1 for IAM). */
const GLOBAL_SERVICES: ReadonlySet<string> = new Set([
  'iam',
  'signin',
  'organizations',
  'route53',
  'cloudfront',
]);

const MAX_SUMMARY = 600;

/**
 * One line an engineer can read at a glance, e.g. "alice opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc in
 * us-east-1" or "alice tried to StopLogging on trail X but was denied (AccessDenied)". The verb phrase and the
 * target come from the action's service module.
 */
export function summarize(input: SummaryInput): string {
  const who = input.actor.display;
  const { action, outcome } = input;
  const handler = handlerOf(action);
  if (handler.failureIsTheEvent) return clip(`${who} ${handler.phrase(action, input)}`, MAX_SUMMARY);
  const where = GLOBAL_SERVICES.has(input.service) ? '' : ` in ${shortName(input.region)}`;
  if (input.dryRun || !outcome.ok) {
    const target = handler.target?.(action, input) ?? onResources(input.resources);
    if (input.dryRun) {
      return clip(
        `${who} did a dry run of ${input.eventName}${target}${where}: nothing changed`,
        MAX_SUMMARY,
      );
    }
    const code = outcome.errorCode ?? outcome.errorMessage ?? 'unknown error';
    const ending = input.denied
      ? `but was denied (${shortName(code)})`
      : `but it failed (${shortName(code)})`;
    return clip(`${who} tried to ${input.eventName}${target} ${ending}`, MAX_SUMMARY);
  }
  return clip(`${who} ${handler.phrase(action, input)}${where}`, MAX_SUMMARY);
}
