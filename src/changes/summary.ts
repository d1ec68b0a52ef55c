import type { Actor, Outcome, ResourceRef } from '../model/change';
import {
  type Action,
  type InstancesAction,
  PUBLIC_ACCESS_BLOCK_FLAGS,
  PUBLIC_CANNED_ACLS,
  trailDisplayName,
} from './action';
import { fullAdminStatements, publicGrants, riskyTrust } from './policies';
import { arnName, clip, listSome, plural, unique } from './read';
import { formatPeer, formatPorts, isInternetSized, type SecurityGroupRuleChange } from './security-groups';

export interface SummaryInput {
  actor: Actor;
  eventName: string;
  service: string;
  account: string;
  region: string;
  sourceIp: string | null;
  action: Action;
  outcome: Outcome;
  denied: boolean;
  dryRun: boolean;
  resources: readonly ResourceRef[];
}

/** Services whose API calls are not tied to the region CloudTrail records (it says us-east-1 for IAM). */
const GLOBAL_SERVICES: ReadonlySet<string> = new Set([
  'iam',
  'signin',
  'organizations',
  'route53',
  'cloudfront',
]);

// Ids and names come from the event. AWS bounds them (bucket names 63, role names 64 characters); this bound is
// for forged or corrupt records, so one field cannot flood the one-line summary.
const MAX_VALUE = 120;
const MAX_SUMMARY = 600;
const MAX_LISTED = 5;

/**
 * One line an engineer can read at a glance, e.g. "alice opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc in
 * us-east-1" or "alice tried to StopLogging on trail X but was denied (AccessDenied)".
 */
export function summarize(input: SummaryInput): string {
  const who = input.actor.display;
  const { action, outcome } = input;
  if (action.kind === 'console-login') return clip(`${who} ${signInPhrase(input, action)}`, MAX_SUMMARY);
  const where = GLOBAL_SERVICES.has(input.service) ? '' : ` in ${v(input.region)}`;
  if (input.dryRun) {
    return clip(
      `${who} did a dry run of ${input.eventName}${target(input)}${where}: nothing changed`,
      MAX_SUMMARY,
    );
  }
  if (!outcome.ok) {
    const code = outcome.errorCode ?? outcome.errorMessage ?? 'unknown error';
    const ending = input.denied ? `but was denied (${v(code)})` : `but it failed (${v(code)})`;
    return clip(`${who} tried to ${input.eventName}${target(input)} ${ending}`, MAX_SUMMARY);
  }
  return clip(`${who} ${phrase(input)}${where}`, MAX_SUMMARY);
}

function v(value: string): string {
  return clip(value, MAX_VALUE);
}

function ids(values: readonly string[]): string {
  return listSome(values.map(v), MAX_LISTED);
}

function signInPhrase(input: SummaryInput, action: Extract<Action, { kind: 'console-login' }>): string {
  const from = input.sourceIp === null ? '' : ` from ${v(input.sourceIp)}`;
  if (!action.success) {
    const why = input.outcome.errorMessage === undefined ? '' : ` (${v(input.outcome.errorMessage)})`;
    return `failed to sign in to the console${from}${why}`;
  }
  // For federated sign-ins MFA happens at the identity provider; CloudTrail's MFAUsed says nothing about it.
  const passwordSignIn = input.actor.type === 'IAMUser' || input.actor.type === 'Root';
  const mfa = !passwordSignIn || action.mfaUsed === null ? '' : action.mfaUsed ? ' with MFA' : ' without MFA';
  return `signed in to the console${mfa}${from}`;
}

/** What the call did, as a verb phrase. */
function phrase(input: SummaryInput): string {
  const { action } = input;
  switch (action.kind) {
    case 'sg-rules':
      return ruleChangePhrase(action.change);
    case 'security-group': {
      const id = v(action.groupId ?? action.groupName ?? '(unknown)');
      if (action.operation === 'delete') return `deleted security group ${id}`;
      const name =
        action.groupName === null || action.groupName === action.groupId ? '' : ` (${v(action.groupName)})`;
      return `created security group ${id}${name}${action.vpcId === null ? '' : ` in ${v(action.vpcId)}`}`;
    }
    case 'instances':
      return instancesPhrase(action);
    case 'instance-attribute': {
      const instance = `instance ${v(action.instanceId ?? '(unknown)')}`;
      if (action.attribute === 'userData') return `replaced the user data of ${instance}`;
      if (action.attribute === 'groupSet')
        return `changed the security groups of ${instance} to ${v(action.value ?? '?')}`;
      if (action.attribute === 'instanceType')
        return `changed the instance type of ${instance} to ${v(action.value ?? '?')}`;
      const value = action.value === null ? '' : ` to ${v(action.value)}`;
      return `changed ${v(action.attribute)} of ${instance}${value}`;
    }
    case 'vpc':
      return action.operation === 'create'
        ? `created VPC ${v(action.vpcId ?? '(unknown)')}${action.cidr === null ? '' : ` (${v(action.cidr)})`}`
        : `deleted VPC ${v(action.vpcId ?? '(unknown)')}`;
    case 'route': {
      const destination = v(action.destination ?? '(unknown destination)');
      const table = v(action.routeTableId ?? 'a route table');
      const to =
        action.target === null ? 'an unrecorded target' : `${action.target.type} ${v(action.target.id)}`;
      if (action.operation === 'create') return `added route ${destination} → ${to} to ${table}`;
      if (action.operation === 'replace') return `pointed route ${destination} in ${table} to ${to}`;
      return `deleted route ${destination} from ${table}`;
    }
    case 'route-table': {
      const table = `route table ${v(action.routeTableId ?? '(unknown)')}`;
      switch (action.operation) {
        case 'create':
          return `created ${table}${action.vpcId === null ? '' : ` in ${v(action.vpcId)}`}`;
        case 'delete':
          return `deleted ${table}`;
        case 'associate':
          return `associated ${table} with ${v(action.associatedWith ?? '(unknown)')}`;
        case 'disassociate':
          return `removed route table association ${v(action.associationId ?? '(unknown)')}`;
        case 'replace-association':
          return `switched association ${v(action.associationId ?? '(unknown)')} to ${table}`;
      }
      return `changed ${table}`;
    }
    case 'gateway': {
      const gateway = `${action.gateway} ${v(action.gatewayId ?? '(unknown)')}`;
      if (action.operation === 'attach') return `attached ${gateway} to ${v(action.vpcId ?? 'a VPC')}`;
      if (action.operation === 'detach') return `detached ${gateway} from ${v(action.vpcId ?? 'a VPC')}`;
      if (action.operation === 'delete') return `deleted ${gateway}`;
      return `created ${gateway}${action.subnetId === null ? '' : ` in ${v(action.subnetId)}`}`;
    }
    case 'bucket-policy': {
      const bucket = `bucket ${v(action.bucket ?? '(unknown)')}`;
      if (action.operation === 'delete') return `deleted the bucket policy of ${bucket}`;
      if (action.policy !== null && publicGrants(action.policy).open.length > 0) {
        return `made ${bucket} public with a bucket policy (Principal "*")`;
      }
      return `changed the bucket policy of ${bucket}`;
    }
    case 'bucket-acl': {
      const bucket = `bucket ${v(action.bucket ?? '(unknown)')}`;
      const publicGrant = action.grants.find((grant) => grant.publicGroup !== null);
      if (action.cannedAcl !== null && PUBLIC_CANNED_ACLS[action.cannedAcl] !== undefined) {
        return `made ${bucket} public with the ${v(action.cannedAcl)} ACL`;
      }
      if (publicGrant !== undefined) {
        return `made ${bucket} public with its ACL (${v(publicGrant.permission)} to ${publicGrant.publicGroup})`;
      }
      return `set the ACL of ${bucket}${action.cannedAcl === null ? '' : ` to ${v(action.cannedAcl)}`}`;
    }
    case 'public-access-block': {
      const subject =
        action.scope === 'account' ? 'the account' : `bucket ${v(action.bucket ?? '(unknown)')}`;
      if (action.operation === 'delete') return `removed the S3 public access block from ${subject}`;
      const flags = action.flags;
      if (flags === null) return `changed the S3 public access block of ${subject}`;
      const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => flags[flag] === false);
      if (off.length > 0) return `turned off ${off.join(', ')} in the S3 public access block of ${subject}`;
      return `set the S3 public access block of ${subject} (public access blocked)`;
    }
    case 'policy-attachment': {
      const policy = v(action.policyArn === null ? '(unknown policy)' : arnName(action.policyArn));
      const principal = `${action.principal.kind} ${v(action.principal.name ?? '(unknown)')}`;
      return action.operation === 'attach'
        ? `attached ${policy} to ${principal}`
        : `detached ${policy} from ${principal}`;
    }
    case 'inline-policy': {
      const principal = `${action.principal.kind} ${v(action.principal.name ?? '(unknown)')}`;
      const name = v(action.policyName ?? '(unnamed)');
      if (action.operation === 'delete') return `deleted inline policy ${name} from ${principal}`;
      if (action.policy !== null && fullAdminStatements(action.policy, input.account).length > 0) {
        return `gave ${principal} full admin (Action "*" on Resource "*") with inline policy ${name}`;
      }
      return `put inline policy ${name} on ${principal}`;
    }
    case 'managed-policy': {
      const name = v(action.policy === null ? '(unnamed)' : arnName(action.policy));
      const admin =
        action.document !== null && fullAdminStatements(action.document, input.account).length > 0;
      const grants = admin ? ' granting full admin (Action "*" on Resource "*")' : '';
      if (action.operation === 'create') return `created managed policy ${name}${grants}`;
      return `created a new${action.setAsDefault ? ' default' : ''} version of policy ${name}${grants}`;
    }
    case 'trust-policy':
      return trustPhrase(input, action);
    case 'iam-user':
      return `${action.operation === 'create' ? 'created' : 'deleted'} IAM user ${v(action.userName ?? '(unknown)')}`;
    case 'access-key': {
      const key = action.accessKeyId === null ? 'an access key' : `access key ${v(action.accessKeyId)}`;
      const owner =
        action.userName !== null
          ? `user ${v(action.userName)}`
          : input.actor.type === 'Root'
            ? 'the root user'
            : 'their own user';
      if (action.operation === 'create') return `created ${key} for ${owner}`;
      if (action.operation === 'delete') return `deleted ${key} of ${owner}`;
      return `set ${key} of ${owner} to ${v(action.status ?? '(unknown status)')}`;
    }
    case 'trail': {
      const trail = `trail ${v(action.trail === null ? '(unknown)' : trailDisplayName(action.trail))}`;
      switch (action.operation) {
        case 'stop-logging':
          return `stopped CloudTrail logging on ${trail}`;
        case 'start-logging':
          return `started CloudTrail logging on ${trail}`;
        case 'delete':
          return `deleted ${trail}`;
        case 'create':
          return `created ${trail}`;
        case 'update':
          return `updated ${trail}${action.weakening.length > 0 ? ` (${action.weakening.join('; ')})` : ''}`;
        case 'event-selectors':
          return `changed the event selectors of ${trail}`;
        case 'insight-selectors':
          return `changed the Insights selectors of ${trail}`;
      }
      return `changed ${trail}`;
    }
    case 'assume-role': {
      const role = v(action.roleArn === null ? '(unknown role)' : arnName(action.roleArn));
      return `assumed role ${role}${action.sessionName === null ? '' : ` (session ${v(action.sessionName)})`}`;
    }
    case 'leave-organization':
      return `took account ${v(input.account)} out of its AWS Organization`;
    case 'console-login':
    case 'generic':
      return `called ${input.service}:${input.eventName}${onResources(input.resources)}`;
  }
}

function ruleChangePhrase(change: SecurityGroupRuleChange): string {
  const group = v(change.groupId ?? 'a security group');
  const world = change.rules.filter((rule) => rule.peers.some(isInternetSized));
  if ((change.operation === 'authorize' || change.operation === 'modify') && change.direction !== 'egress') {
    if (world.length > 0) {
      const ports = listWords(unique(world.map(formatPorts)));
      const cidrs = unique(
        world.flatMap((rule) => rule.peers.filter(isInternetSized).map((peer) => peer.value)),
      );
      const via =
        change.operation === 'modify' && change.ruleIds.length > 0
          ? ` by modifying rule ${ids(change.ruleIds)}`
          : '';
      return `opened ${ports} to the internet (${ids(cidrs)}) on ${group}${via}`;
    }
  }
  const pairs = change.rules.flatMap((rule) => rule.peers.map((peer) => ({ rule, peer })));
  const direction =
    change.direction === 'egress' ? 'outbound' : change.direction === 'ingress' ? 'inbound' : '';
  const directionWord = direction === '' ? '' : `${direction} `;
  const preposition = change.direction === 'egress' ? 'to' : 'from';
  if (change.operation === 'modify') {
    const rules = change.ruleIds.length > 0 ? `rule ${ids(change.ruleIds)}` : 'a rule';
    const only = pairs[0];
    if (pairs.length === 1 && only !== undefined) {
      return `changed ${rules} of ${group} to ${formatPorts(only.rule)} ${v(formatPeer(only.peer))}`;
    }
    return `changed ${rules} of ${group}`;
  }
  if (change.operation === 'describe') {
    return `updated the descriptions of ${plural(Math.max(pairs.length, 1), `${directionWord}rule`)} on ${group}`;
  }
  const only = pairs[0];
  if (pairs.length === 1 && only !== undefined) {
    const verb = change.operation === 'authorize' ? 'allowed' : 'removed';
    return `${verb} ${directionWord}${formatPorts(only.rule)} ${preposition} ${v(formatPeer(only.peer))} on ${group}`;
  }
  if (pairs.length === 0 && change.ruleIds.length > 0) {
    return `removed ${directionWord}${change.ruleIds.length === 1 ? 'rule' : 'rules'} ${ids(change.ruleIds)} from ${group}`;
  }
  const count = plural(pairs.length, `${directionWord}rule`);
  return change.operation === 'authorize' ? `added ${count} to ${group}` : `removed ${count} from ${group}`;
}

const INSTANCE_VERBS: Readonly<Record<InstancesAction['operation'], string>> = {
  run: 'launched',
  start: 'started',
  stop: 'stopped',
  reboot: 'rebooted',
  terminate: 'terminated',
};

function instancesPhrase(action: InstancesAction): string {
  const verb =
    action.operation === 'stop' && action.force ? 'force-stopped' : INSTANCE_VERBS[action.operation];
  const count = action.instanceIds.length;
  const type =
    action.operation === 'run' && action.instanceTypes.length === 1
      ? `${v(action.instanceTypes[0] ?? '')} `
      : '';
  if (count === 0) return `${verb} ${type}instances`;
  if (count === 1) return `${verb} ${type}instance ${v(action.instanceIds[0] ?? '')}`;
  return `${verb} ${count} ${type}instances (${ids(action.instanceIds)})`;
}

function trustPhrase(input: SummaryInput, action: Extract<Action, { kind: 'trust-policy' }>): string {
  const role = action.roleName === null ? 'a role (name not recorded)' : `role ${v(action.roleName)}`;
  const risky = action.policy === null ? [] : riskyTrust(action.policy, input.account);
  const everyone = risky.some((finding) => finding.risk === 'everyone');
  const accounts = unique(risky.map((finding) => finding.account).filter((a): a is string => a !== null));
  let trust = '';
  if (everyone) trust = 'anyone (Principal "*")';
  else if (accounts.length > 0) trust = `account${accounts.length === 1 ? '' : 's'} ${ids(accounts)}`;
  if (action.operation === 'create-role')
    return trust === '' ? `created ${role}` : `created ${role} trusting ${trust}`;
  return trust === ''
    ? `changed the trust policy of ${role}`
    : `changed the trust policy of ${role} to trust ${trust}`;
}

/** The phrase naming what a failed or dry-run call was aimed at: " on trail X", " (up to 10 × p2.xlarge)". */
function target(input: SummaryInput): string {
  const { action } = input;
  switch (action.kind) {
    case 'sg-rules':
      return action.change.groupId === null ? '' : ` on ${v(action.change.groupId)}`;
    case 'instances': {
      if (action.operation === 'run') {
        const count = action.requested?.max ?? action.requested?.min ?? null;
        const type = action.instanceTypes[0];
        if (count === null && type === undefined) return '';
        return ` (${count === null ? '' : `up to ${count} × `}${v(type ?? 'instances')})`;
      }
      return action.instanceIds.length === 0 ? '' : ` on ${ids(action.instanceIds)}`;
    }
    case 'bucket-policy':
    case 'bucket-acl':
      return action.bucket === null ? '' : ` on bucket ${v(action.bucket)}`;
    case 'public-access-block':
      return action.scope === 'account'
        ? ' on the account'
        : action.bucket === null
          ? ''
          : ` on bucket ${v(action.bucket)}`;
    case 'policy-attachment':
    case 'inline-policy':
      return action.principal.name === null ? '' : ` on ${action.principal.kind} ${v(action.principal.name)}`;
    case 'trust-policy':
      return action.roleName === null ? '' : ` on role ${v(action.roleName)}`;
    case 'iam-user':
    case 'access-key':
      return action.userName === null ? '' : ` for user ${v(action.userName)}`;
    case 'trail':
      return action.trail === null ? '' : ` on trail ${v(trailDisplayName(action.trail))}`;
    case 'assume-role':
      return action.roleArn === null ? '' : ` on role ${v(arnName(action.roleArn))}`;
    default:
      return onResources(input.resources);
  }
}

const RESOURCE_WORDS: Readonly<Record<string, string>> = {
  'iam-user': 'user',
  'iam-role': 'role',
  'iam-group': 'group',
  'iam-policy': 'policy',
  'iam-inline-policy': 'inline policy',
};

function onResources(resources: readonly ResourceRef[]): string {
  const first = resources[0];
  if (first === undefined) return '';
  const word = RESOURCE_WORDS[first.type] ?? first.type.replaceAll('-', ' ');
  const more = resources.length > 1 ? ` and ${plural(resources.length - 1, 'other resource')}` : '';
  return ` on ${word} ${v(first.id)}${more}`;
}

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  const shown = words.slice(0, MAX_LISTED);
  const rest = words.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
