import type { UserIdentity } from '../events/cloudtrail';
import type { Actor, Outcome, ResourceRef } from '../model/change';
import type { Severity } from '../model/severity';
import {
  type Action,
  PUBLIC_ACCESS_BLOCK_FLAGS,
  PUBLIC_CANNED_ACLS,
  TRAIL_TAMPERING,
  trailDisplayName,
} from './action';
import { invokingService } from './actor';
import { describeReach, type PublicReach, publicReach, reachSize } from './address-space';
import { invisibleCodePoints, removeInvisible, revealInvisible } from './invisible';
import {
  awsManagedPolicyName,
  ESCALATING_MANAGED_POLICIES,
  isRestrictingConditionKey,
  publicGrants,
  riskyTrust,
  type StatementPower,
  statementLabel,
  statementPowers,
} from './policies';
import { arnName, listSome, unique } from './read';
import {
  formatPorts,
  type RulePeer,
  SENSITIVE_TCP_PORTS,
  SENSITIVE_UDP_PORTS,
  type SecurityGroupRule,
  sensitivePortsOpened,
} from './security-groups';

/** Rules return this shared empty list when they do not apply (describeChange runs for every event). */
const NONE: readonly Finding[] = Object.freeze([]);

/** Everything the severity rules look at. */
export interface SeverityInput {
  eventName: string;
  service: string;
  account: string;
  actor: Actor;
  identity: UserIdentity;
  action: Action;
  outcome: Outcome;
  /** The call was refused for lack of permission (AccessDenied, UnauthorizedOperation, …). */
  denied: boolean;
  dryRun: boolean;
  readOnly: boolean;
  /** The resources the call named (their ids are checked for invisible characters). */
  resources: readonly ResourceRef[];
}

export interface Finding {
  severity: Severity;
  /** A sentence a security engineer would accept as the reason. */
  reason: string;
}

export interface Assessment {
  severity: Severity;
  reasons: string[];
  /** No rule had anything to say: the only reason is the "routine change" filler. */
  routine: boolean;
}

/**
 * Rules about who acted or what they tried to do: they hold whether or not the call succeeded, because an attempt
 * to use root, blind CloudTrail or leave the organization is itself the signal.
 */
const INTENT_RULES: ReadonlyArray<(input: SeverityInput) => readonly Finding[]> = [
  rootRule,
  consoleSignInRule,
  trailTamperingRule,
  leaveOrganizationRule,
  invisibleNameRule,
];

/** Rules about the state the call produced: they only apply when the call really changed something. */
const EFFECT_RULES: ReadonlyArray<(input: SeverityInput) => readonly Finding[]> = [
  worldOpenIngressRule,
  publicBucketRule,
  adminGrantRule,
  trustPolicyRule,
  accessKeyRule,
  userDataRule,
];

/** Severity = the highest finding; reasons = every finding, most severe first. */
export function assessSeverity(input: SeverityInput): Assessment {
  const findings: Finding[] = [];
  for (const rule of INTENT_RULES) findings.push(...rule(input));
  const effects: Finding[] = [];
  for (const rule of EFFECT_RULES) effects.push(...rule(input));
  if (input.outcome.ok && !input.dryRun) {
    findings.push(...effects);
  } else {
    findings.push(...outcomeFindings(input));
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
function outcomeFindings(input: SeverityInput): readonly Finding[] {
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
  if (input.outcome.ok || input.action.kind === 'console-login') return NONE;
  return [{ severity: 'info', reason: `The call failed (${code ?? 'no error code'}), so nothing changed.` }];
}

/**
 * A caller or resource name with invisible code points (`ad\u200Bmin`) is made to pass for another one. The
 * renderers show such characters as `⟨U+200B⟩`; this says why that matters, whatever the call did.
 */
function invisibleNameRule(input: SeverityInput): readonly Finding[] {
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

function rootRule(input: SeverityInput): readonly Finding[] {
  if (input.actor.type !== 'Root') return NONE;
  const service = invokingService(input.identity);
  if (service !== null) {
    return [
      {
        severity: 'info',
        reason: `Recorded as the root user but made by ${service} on the account's behalf (invokedBy): no person used root credentials, and CIS root-usage monitoring excludes such calls.`,
      },
    ];
  }
  const unrestricted =
    'Root can do anything in the account and cannot be limited by IAM policies; AWS advises using it only for the few tasks that require it.';
  if (input.action.kind === 'console-login') {
    if (!input.action.success) {
      const why = input.outcome.errorMessage === undefined ? '' : ` (${input.outcome.errorMessage})`;
      return [
        {
          severity: 'critical',
          reason: `Someone failed to sign in to the console as root${why}. Failed root sign-ins suggest password guessing against the account's most powerful identity.`,
        },
      ];
    }
    const mfa = input.actor.mfa === false ? ' without MFA' : input.actor.mfa === true ? ' with MFA' : '';
    return [
      { severity: 'critical', reason: `The root user signed in to the console${mfa}. ${unrestricted}` },
    ];
  }
  return [{ severity: 'critical', reason: `The call was made with root credentials. ${unrestricted}` }];
}

/** Identity types that sign in with an IAM password, where CloudTrail's MFAUsed is meaningful. */
const PASSWORD_SIGN_IN: ReadonlySet<string> = new Set(['IAMUser']);

function consoleSignInRule(input: SeverityInput): readonly Finding[] {
  const { action, actor } = input;
  if (action.kind !== 'console-login' || actor.type === 'Root') return NONE;
  if (!action.success) {
    const why = input.outcome.errorMessage === undefined ? '' : ` (${input.outcome.errorMessage})`;
    return [
      {
        severity: 'warning',
        reason: `A console sign-in as ${actor.display} failed${why}; repeated failures point to password guessing.`,
      },
    ];
  }
  if (PASSWORD_SIGN_IN.has(actor.type) && action.mfaUsed === false) {
    return [
      {
        severity: 'warning',
        reason: `${actor.display} signed in to the console with a password only (no MFA); a leaked password is enough to take over this user.`,
      },
    ];
  }
  if (PASSWORD_SIGN_IN.has(actor.type) && action.mfaUsed === true) {
    return [
      { severity: 'info', reason: `${actor.display} signed in to the console with a password and MFA.` },
    ];
  }
  if (actor.type === 'AssumedRole' || actor.type === 'FederatedUser' || actor.type === 'SAMLUser') {
    return [
      {
        severity: 'info',
        reason:
          'Federated console sign-in: MFA, if any, is enforced by the identity provider and not recorded by CloudTrail.',
      },
    ];
  }
  return NONE;
}

const TRAIL_VERBS: Readonly<Record<string, string>> = {
  'stop-logging': 'stop logging on',
  delete: 'delete',
  update: 'reconfigure',
  'event-selectors': 'change the event selectors of',
};

function trailTamperingRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind !== 'trail' || !TRAIL_TAMPERING.has(action.operation)) return NONE;
  const trail = action.trail === null ? 'a trail' : `trail ${trailDisplayName(action.trail)}`;
  if (!input.outcome.ok) {
    const evasion = action.operation === 'stop-logging' || action.operation === 'delete';
    return [
      {
        severity: evasion ? 'critical' : 'warning',
        reason: `Someone tried to ${TRAIL_VERBS[action.operation]} ${trail} (${input.outcome.errorCode ?? 'failed'}); it did not succeed, but trying to blind CloudTrail is ${evasion ? 'itself a strong sign of an attacker covering their tracks' : 'worth a look'}.`,
      },
    ];
  }
  const weakening = action.weakening.length > 0 ? `: ${action.weakening.join('; ')}` : '';
  switch (action.operation) {
    case 'stop-logging':
      return [
        {
          severity: 'critical',
          reason: `CloudTrail logging was stopped on ${trail}: API activity is no longer recorded there, the first step attackers take to cover their tracks.`,
        },
      ];
    case 'delete':
      return [
        {
          severity: 'critical',
          reason: `${capitalise(trail)} was deleted: the activity it recorded is no longer captured.`,
        },
      ];
    case 'event-selectors':
      return [
        {
          severity: 'critical',
          reason: `The event selectors of ${trail} were replaced${weakening}. Selectors decide which events the trail records; narrowing them silently drops events.`,
        },
      ];
    default:
      return [
        {
          severity: 'critical',
          reason: `${capitalise(trail)} was reconfigured${weakening}. Updating a trail can redirect its logs or narrow what it records.`,
        },
      ];
  }
}

function leaveOrganizationRule(input: SeverityInput): readonly Finding[] {
  if (input.action.kind !== 'leave-organization') return NONE;
  if (input.outcome.ok) {
    return [
      {
        severity: 'critical',
        reason: `Account ${input.account} left its AWS Organization: service control policies, organization trails and central security tooling no longer apply to it.`,
      },
    ];
  }
  return [
    {
      severity: 'critical',
      reason: `Someone tried to take account ${input.account} out of its AWS Organization (${input.outcome.errorCode ?? 'failed'}). Leaving the organization is how an attacker escapes service control policies and central logging; nobody tries it by accident.`,
    },
  ];
}

/**
 * Ingress rated by how much of the public internet it admits, not by the literal `/0`: rules with the same
 * ports are taken together (`0.0.0.0/1` in one rule and `128.0.0.0/1` in the next is still everyone), and so
 * is every rule of the call that opens a given admin or database port (`tcp/22` from one /8 and `tcp/20-25`
 * from another add up on SSH).
 */
function worldOpenIngressRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind !== 'sg-rules') return NONE;
  const { change } = action;
  if (change.operation !== 'authorize' && change.operation !== 'modify') return NONE;
  if (change.direction === 'egress') return NONE;
  const where = {
    group: change.groupId ?? 'a security group',
    unknownDirection:
      change.direction === 'unknown'
        ? ` CloudTrail does not record whether ${change.ruleIds.length > 0 ? `rule ${change.ruleIds.join(', ')}` : 'the rule'} is inbound or outbound; InfraWatch assumes inbound.`
        : '',
  };
  const groups = samePortGroups(change.rules);
  const findings: Finding[] = [];
  for (const group of groups) findings.push(...rateExposure(group, where));
  findings.push(...combinedPortFindings(groups, where));
  return findings;
}

/** Rules of one call that open the same ports, with every peer they admit. */
interface PortGroup {
  rule: SecurityGroupRule;
  ruleCount: number;
  peers: RulePeer[];
}

function samePortGroups(rules: readonly SecurityGroupRule[]): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  for (const rule of rules) {
    const key = `${rule.protocol}|${rule.fromPort}|${rule.toPort}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { rule, ruleCount: 1, peers: [...rule.peers] });
    else {
      group.ruleCount += 1;
      group.peers.push(...rule.peers);
    }
  }
  return [...groups.values()];
}

interface Where {
  group: string;
  unknownDirection: string;
}

/** `the whole internet (0.0.0.0/1, 128.0.0.0/1)`, `18% of the public internet across 40 rules (…)`. */
function exposureWords(reach: PublicReach, ruleCount: number, peers: readonly RulePeer[]): string {
  const cidrs = unique(
    peers.filter((peer) => peer.kind === 'ipv4' || peer.kind === 'ipv6').map((p) => p.value),
  );
  const across = ruleCount > 1 ? ` across ${ruleCount} rules` : '';
  return `${describeReach(reach)}${across} (${listSome(cidrs, 4)})`;
}

function rateExposure(group: PortGroup, where: Where): readonly Finding[] {
  const reach = publicReach(group.peers);
  const size = reachSize(reach);
  if (size === 'small') return NONE;
  const { rule } = group;
  const ports = formatPorts(rule);
  const exposed = exposureWords(reach, group.ruleCount, group.peers);
  const opened = sensitivePortsOpened(rule);
  if (size === 'large') {
    if (opened !== null && opened.length === 0) return NONE;
    return [
      {
        severity: 'warning',
        reason: `${ports}${opened === null ? ' (every port)' : ` (${sensitiveNames(rule, opened)})`} is open to ${exposed} on ${where.group}: a range this large is rarely one organisation's network, so check who it really is.${where.unknownDirection}`,
      },
    ];
  }
  if (opened === null) {
    return [
      {
        severity: 'critical',
        reason: `${ports} (every port) is open to ${exposed} on ${where.group}: every service behind it is exposed.${where.unknownDirection}`,
      },
    ];
  }
  if (opened.length > 0) {
    return [
      {
        severity: 'critical',
        reason: `${ports} (${sensitiveNames(rule, opened)}) is open to ${exposed} on ${where.group}; ${SCANNED}${where.unknownDirection}`,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      reason: `${ports} is open to ${exposed} on ${where.group}; make sure this service is meant to be public.${where.unknownDirection}`,
    },
  ];
}

const SCANNED = 'admin and database ports facing the internet are found by scanners within minutes.';

function sensitiveNames(
  rule: SecurityGroupRule,
  opened: ReadonlyArray<{ port: number; service: string }>,
): string {
  if (rule.fromPort !== null && rule.fromPort === rule.toPort)
    return opened.map(({ service }) => service).join(', ');
  return `includes ${listSome(
    opened.map(({ port, service }) => `${port} ${service}`),
    4,
  )}`;
}

/**
 * Admin and database ports that only the rules of the call taken together open to the internet (no single
 * group of same-port rules does).
 */
function combinedPortFindings(groups: readonly PortGroup[], where: Where): readonly Finding[] {
  if (groups.length < 2) return NONE;
  const findings: Finding[] = [];
  for (const [protocol, table] of [
    ['tcp', SENSITIVE_TCP_PORTS],
    ['udp', SENSITIVE_UDP_PORTS],
  ] as const) {
    for (const [port, service] of table) {
      const opening = groups.filter((group) => opensPort(group.rule, protocol, port));
      if (opening.length < 2) continue;
      if (opening.some((group) => reachSize(publicReach(group.peers)) === 'internet')) continue;
      const peers = opening.flatMap((group) => group.peers);
      const reach = publicReach(peers);
      if (reachSize(reach) !== 'internet') continue;
      const ruleCount = opening.reduce((sum, group) => sum + group.ruleCount, 0);
      findings.push({
        severity: 'critical',
        reason: `${protocol}/${port} (${service}) is open to ${exposureWords(reach, ruleCount, peers)} on ${where.group}; ${SCANNED}${where.unknownDirection}`,
      });
    }
  }
  return findings;
}

function opensPort(rule: SecurityGroupRule, protocol: 'tcp' | 'udp', port: number): boolean {
  if (rule.protocol === 'all') return true;
  if (rule.protocol !== protocol) return false;
  const opened = sensitivePortsOpened(rule);
  return opened === null || opened.some((entry) => entry.port === port);
}

function publicBucketRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind === 'bucket-policy') {
    if (action.operation !== 'put') return NONE;
    const bucket = action.bucket ?? 'the bucket';
    if (action.policy === null) {
      return [
        {
          severity: 'warning',
          reason: `The new bucket policy of ${bucket} could not be read, so InfraWatch cannot tell whether it makes the bucket public.`,
        },
      ];
    }
    const { open, conditional } = publicGrants(action.policy);
    const findings: Finding[] = [];
    if (open.length > 0) {
      const actions = listSome(unique(open.flatMap((statement) => statement.actions)), 5) || 'access';
      findings.push({
        severity: 'critical',
        reason: `The bucket policy of ${bucket} grants ${actions} to everyone (Principal "*") without a restricting condition: the bucket is public unless S3 Block Public Access stops it.`,
      });
    }
    if (conditional.length > 0) {
      const keys = unique(
        conditional.flatMap((statement) => statement.conditionKeys.filter(isRestrictingConditionKey)),
      );
      findings.push({
        severity: 'warning',
        reason: `The bucket policy of ${bucket} grants access to everyone (Principal "*") only under ${keys.join(', ')}; check that this condition really limits who gets in.`,
      });
    }
    return findings;
  }
  if (action.kind === 'bucket-acl') {
    const bucket = action.bucket ?? 'the bucket';
    const findings: Finding[] = [];
    const cannedGroup = action.cannedAcl === null ? undefined : PUBLIC_CANNED_ACLS[action.cannedAcl];
    if (cannedGroup !== undefined) {
      findings.push({
        severity: 'critical',
        reason: `The ACL of bucket ${bucket} was set to ${action.cannedAcl}, which grants access to ${publicGroupWords(cannedGroup)}.`,
      });
    }
    for (const grant of action.grants) {
      if (grant.publicGroup === null) continue;
      findings.push({
        severity: 'critical',
        reason: `The ACL of bucket ${bucket} grants ${grant.permission} to ${grant.publicGroup} (${publicGroupWords(grant.publicGroup)}).`,
      });
    }
    return findings;
  }
  if (action.kind === 'public-access-block') {
    const target = action.scope === 'account' ? 'the account' : `bucket ${action.bucket ?? '(unnamed)'}`;
    if (action.operation === 'delete') {
      return [
        {
          severity: 'critical',
          reason: `The S3 public access block of ${target} was removed: nothing now stops a bucket policy or ACL from making ${action.scope === 'account' ? 'buckets' : 'it'} public.`,
        },
      ];
    }
    if (action.flags === null) {
      return [
        {
          severity: 'warning',
          reason: `The S3 public access block of ${target} was changed but CloudTrail did not record the new settings, so InfraWatch cannot tell whether public access is still blocked.`,
        },
      ];
    }
    const flags = action.flags;
    const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => flags[flag] === false);
    if (off.length === 0) return NONE;
    const consequences: string[] = [];
    if (off.includes('BlockPublicPolicy') || off.includes('RestrictPublicBuckets')) {
      consequences.push('public bucket policies can now take effect');
    }
    if (off.includes('BlockPublicAcls') || off.includes('IgnorePublicAcls')) {
      consequences.push('public ACLs can now take effect');
    }
    return [
      {
        severity: 'critical',
        reason: `The S3 public access block of ${target} now has ${off.join(', ')} turned off: ${consequences.join(' and ')}.`,
      },
    ];
  }
  return NONE;
}

function publicGroupWords(group: 'AllUsers' | 'AuthenticatedUsers'): string {
  return group === 'AllUsers' ? 'everyone on the internet' : 'anyone with an AWS account';
}

/**
 * Administrator access and the ways to it, whatever the spelling: AWS managed policies from one table
 * (ESCALATING_MANAGED_POLICIES), and, in inline policies and managed policy documents, every action on every
 * resource (`*`, `*:*`, `**`, `?*:*` on `*` or `arn:*`), `NotAction` on every resource, IAM actions that grant
 * their holder anything, and iam:PassRole on every role. Each reason names the statement (Sid or position).
 */
function adminGrantRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind === 'policy-attachment') {
    if (action.operation !== 'attach' || action.policyArn === null) return NONE;
    const name = awsManagedPolicyName(action.policyArn);
    const known = name === null ? undefined : ESCALATING_MANAGED_POLICIES.get(name);
    if (known === undefined) return NONE;
    return [
      {
        severity: known.severity,
        reason: `${name} was attached to ${principalWords(action.principal)}: ${known.why}`,
      },
    ];
  }
  if (action.kind === 'inline-policy') {
    if (action.operation !== 'put' || action.policy === null) return NONE;
    const policy = `Inline policy ${action.policyName ?? '(unnamed)'} on ${principalWords(action.principal)}`;
    return statementPowers(action.policy, input.account).map((power) => ({
      severity: power.kind === 'pass-role' ? 'warning' : 'critical',
      reason: `${policy} allows ${powerWords(power)}.`,
    }));
  }
  if (action.kind === 'managed-policy') {
    if (action.document === null) return NONE;
    const policy = action.policy === null ? 'a managed policy' : `managed policy ${arnName(action.policy)}`;
    const takesEffect = action.operation === 'create-version' && action.setAsDefault;
    return statementPowers(action.document, input.account).map((power) =>
      takesEffect
        ? {
            severity: power.kind === 'pass-role' ? 'warning' : 'critical',
            reason: `The new default version of ${policy} allows ${powerWords(power)}. Everyone it is attached to now ${power.kind === 'admin' ? 'is a full administrator' : 'can'}.`,
          }
        : {
            severity: 'warning',
            reason: `${capitalise(policy)} ${action.operation === 'create' ? 'was created and' : 'has a new (not default) version that'} allows ${powerWords(power)}; it gives this to whatever it is attached to.`,
          },
    );
  }
  return NONE;
}

/** `every action on every resource (statement 1): full administrator access`, and the other powers. */
function powerWords(power: StatementPower): string {
  const { statement } = power;
  const label = statementLabel(power);
  const resources =
    statement.notResource || statement.resources.includes('*')
      ? 'every resource'
      : listSome(statement.resources, 3);
  switch (power.kind) {
    case 'admin': {
      // The spelling that counts as "everything", so a reader sees why `?*:*` on `arn:*` is administrator access.
      const action = statement.actions.find((a) => /^[*?:]+$/.test(a)) ?? '*';
      const resource = statement.notResource
        ? '"NotResource": …'
        : `"Resource": ${JSON.stringify(statement.resources.find((r) => r.endsWith('*')) ?? '*')}`;
      const spelled = `: "Action": ${JSON.stringify(action)}, ${resource}`;
      return `every action on every resource (${label}${spelled}): full administrator access`;
    }
    case 'all-but':
      return `every action except ${listSome(statement.notActions, 5)} on every resource (${label}): administrator access in all but name`;
    case 'escalation': {
      const granted = statement.actions.find((a) => /^iam:\*$/i.test(a)) ?? listSome(power.actions, 3);
      const example = power.actions.includes('iam:AttachUserPolicy')
        ? ' (for example with iam:AttachUserPolicy)'
        : '';
      return `${granted} on ${resources} (${label}): whoever holds it can grant itself administrator access${example}`;
    }
    case 'pass-role':
      return `iam:PassRole on ${resources} (${label}): whoever holds it can hand any role to a service it controls (an EC2 instance, a Lambda function) and act with that role's permissions`;
  }
}

function principalWords(principal: { kind: string; name: string | null }): string {
  return `${principal.kind} ${principal.name ?? '(name not recorded)'}`;
}

function trustPolicyRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind !== 'trust-policy' || action.policy === null) return NONE;
  const role = action.roleName === null ? 'a role (name not recorded)' : `role ${action.roleName}`;
  const findings: Finding[] = [];
  for (const finding of riskyTrust(action.policy, input.account)) {
    if (finding.risk === 'everyone') {
      const restricting = finding.conditionKeys.filter(isRestrictingConditionKey);
      if (restricting.length > 0) {
        findings.push({
          severity: 'warning',
          reason: `The trust policy of ${role} lets any principal assume it (Principal "*") only under ${restricting.join(', ')}; check that this condition really limits who can.`,
        });
        continue;
      }
      const condition =
        finding.conditionKeys.length > 0
          ? ` The only barrier is the condition on ${finding.conditionKeys.join(', ')}, and an external ID is a shared string, not a secret.`
          : '';
      findings.push({
        severity: 'critical',
        reason: `The trust policy of ${role} lets anyone in any AWS account assume it (Principal "*").${condition}`,
      });
    } else {
      findings.push({
        severity: 'critical',
        reason: `The trust policy of ${role} lets account ${finding.account} assume it (${finding.principal.value}); anyone with enough rights in that account can act as this role here.`,
      });
    }
  }
  return findings;
}

function accessKeyRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind !== 'access-key' || action.operation !== 'create') return NONE;
  const key = action.accessKeyId === null ? '' : ` (${action.accessKeyId})`;
  const forOther =
    action.userName !== null && action.userName !== callerName(input) && input.actor.type !== 'Root';
  const owner = action.userName ?? (input.actor.type === 'Root' ? 'the root user' : input.actor.display);
  return [
    {
      severity: 'warning',
      reason: `A new long-lived access key${key} was created for ${owner}; access keys are the most common way AWS credentials leak${forOther ? ', and creating one for another user is a known persistence technique' : ''}.`,
    },
  ];
}

function callerName(input: SeverityInput): string | null {
  return input.identity.userName ?? null;
}

function userDataRule(input: SeverityInput): readonly Finding[] {
  const { action } = input;
  if (action.kind !== 'instance-attribute' || action.attribute !== 'userData') return NONE;
  return [
    {
      severity: 'warning',
      reason: `The user data of instance ${action.instanceId ?? '(unknown)'} was replaced: user data scripts run as root when the instance next starts, a known way to plant persistence (CloudTrail does not record the new content).`,
    },
  ];
}

/** "The bucket…" -> "the bucket…", but keeps "AdministratorAccess…" and "tcp/22…" as they are. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z ]/.test(text) ? `${text[0]?.toLowerCase()}${text.slice(1)}` : text;
}

function capitalise(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}`;
}
