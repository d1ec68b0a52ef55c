import type { Severity } from '../model/severity';
import { invokingService } from './actor';
import { invisibleCodePoints, removeInvisible, revealInvisible } from './invisible';
import { handlerOf } from './registry';
import { type Finding, NO_FINDINGS, ROOT_UNRESTRICTED, type SeverityInput } from './service';

export type { Finding, SeverityInput } from './service';

export interface Assessment {
  severity: Severity;
  reasons: string[];
  /** No rule had anything to say: the only reason is the "routine change" filler. */
  routine: boolean;
}

/*
 * The rules that hold for every service live here: who acted (root, invisible characters in names) and how the
 * call went (denied, failed, dry run). What a call of one service means is rated by its module
 * (src/changes/services): `intent` findings hold whether or not the call succeeded, because an attempt to blind
 * CloudTrail or leave the organization is itself the signal; `effect` findings only when it changed something.
 */

/** Severity = the highest finding; reasons = every finding, most severe first. */
export function assessSeverity(input: SeverityInput): Assessment {
  const { action } = input;
  const handler = handlerOf(action);
  const findings: Finding[] = [...rootFindings(input)];
  if (handler.intent !== undefined) findings.push(...handler.intent(action, input));
  findings.push(...invisibleNameFindings(input));
  const effects = handler.effect?.(action, input) ?? NO_FINDINGS;
  if (input.outcome.ok && !input.dryRun) {
    findings.push(...effects);
  } else {
    findings.push(...outcomeFindings(input, handler.failureIsTheEvent === true));
    // Keep what the call would have done: an engineer reading "denied" wants to know what was attempted.
    for (const effect of effects) {
      if (effect.severity !== 'info') {
        findings.push({ severity: 'info', reason: `Had it succeeded: ${lowerFirst(effect.reason)}` });
      }
    }
  }
  const routine = findings.length === 0 && !input.readOnly;
  if (findings.length === 0) {
    findings.push({
      severity: 'info',
      reason: input.readOnly
        ? 'Read-only call: it changed nothing.'
        : `No risk rule applies: a routine ${input.service} change.`,
    });
  }
  const reasons: string[] = [];
  let top: Severity = 'info';
  for (const severity of ['critical', 'warning', 'info'] as const) {
    for (const finding of findings) {
      if (finding.severity !== severity || reasons.includes(finding.reason)) continue;
      if (reasons.length === 0) top = severity;
      reasons.push(finding.reason);
    }
  }
  return { severity: top, reasons, routine };
}

/** Error codes meaning "you are not allowed", across services (EC2 prefixes client errors with `Client.`). */
const DENIED_CODE = /AccessDenied|Unauthori[sz]ed|NotAuthorized|AuthorizationError|Forbidden/i;
const DRY_RUN_CODES = new Set(['Client.DryRunOperation', 'DryRunOperation']);

/** The error code says the caller lacked permission. */
export function isDeniedCode(errorCode: string | undefined): boolean {
  return errorCode !== undefined && DENIED_CODE.test(errorCode);
}

/** The error code is EC2's answer to a DryRun request. */
export function isDryRunCode(errorCode: string | undefined): boolean {
  return errorCode !== undefined && DRY_RUN_CODES.has(errorCode);
}

/** Denied calls, other failures and dry runs. */
function outcomeFindings(input: SeverityInput, failureIsTheEvent: boolean): readonly Finding[] {
  const code = input.outcome.errorCode;
  if (input.dryRun) {
    return [
      {
        severity: 'info',
        reason: `Dry run (${code ?? 'DryRunOperation'}): EC2 only checked the caller's permissions; nothing changed.`,
      },
    ];
  }
  if (input.denied) {
    return [
      {
        severity: 'warning',
        reason: `The call was denied (${code}): ${input.actor.display} tried to ${input.eventName} without permission. Probing for permissions is a common sign of stolen credentials.`,
      },
    ];
  }
  if (input.outcome.ok || failureIsTheEvent) return NO_FINDINGS;
  return [{ severity: 'info', reason: `The call failed (${code ?? 'no error code'}), so nothing changed.` }];
}

/**
 * A caller or resource name with invisible code points (`ad\u200Bmin`) is made to pass for another one. The
 * renderers show such characters as `⟨U+200B⟩`; this says why that matters, whatever the call did.
 */
function invisibleNameFindings(input: SeverityInput): readonly Finding[] {
  // `what` is built only for a name that hides something: this rule runs on every change.
  const names = [
    {
      what: () => `the caller (${input.actor.type} ${revealInvisible(input.actor.display)})`,
      name: input.actor.display,
    },
    ...input.resources.map((resource) => ({
      what: () => `${resourceWords(resource.type)} ${revealInvisible(resource.id)}`,
      name: resource.id,
    })),
  ];
  const findings: Finding[] = [];
  for (const { what: describeName, name } of names) {
    const hidden = invisibleCodePoints(name);
    if (hidden.length === 0) continue;
    const what = describeName();
    const characters = hidden.length === 1 ? 'an invisible character' : 'invisible characters';
    findings.push({
      severity: 'warning',
      reason: `The name of ${what} contains ${characters} (${hidden.join(', ')}): it reads as "${removeInvisible(name)}" but is a different name, a known way to pass one identity or resource off as another.`,
    });
  }
  return findings;
}

/** `iam-user` -> `IAM user`, `security-group` -> `security group`. */
function resourceWords(type: string): string {
  return type.replace(/-/g, ' ').replace(/^(iam|s3|ec2|vpc) /, (prefix) => prefix.toUpperCase());
}

function rootFindings(input: SeverityInput): readonly Finding[] {
  if (input.actor.type !== 'Root') return NO_FINDINGS;
  const service = invokingService(input.identity);
  if (service !== null) {
    return [
      {
        severity: 'info',
        reason: `Recorded as the root user but made by ${service} on the account's behalf (invokedBy): no person used root credentials, and CIS root-usage monitoring excludes such calls.`,
      },
    ];
  }
  const { action } = input;
  const rootUse = handlerOf(action).rootUse;
  if (rootUse !== undefined) return rootUse(action, input);
  return [{ severity: 'critical', reason: `The call was made with root credentials. ${ROOT_UNRESTRICTED}` }];
}

/** "The bucket…" -> "the bucket…", but keeps "AdministratorAccess…" and "tcp/22…" as they are. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z ]/.test(text) ? `${text[0]?.toLowerCase()}${text.slice(1)}` : text;
}
