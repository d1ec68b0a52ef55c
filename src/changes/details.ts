import type { CloudTrailDetail } from '../events/cloudtrail';
import type { Detail } from '../model/change';
import { type Action, type InstancesAction, PUBLIC_ACCESS_BLOCK_FLAGS, trailDisplayName } from './action';
import { formatPrincipal, formatStatement, isEveryone, type PolicyDocument } from './policies';
import { arnAccount, clip, compactJson, field, isRecord, items, listSome, num, text, unique } from './read';
import { formatRuleLines } from './security-groups';

// Values come straight from the event. Bounds keep a 20 KB policy or a hostile string from bloating the alert and
// the stored change; the cut is always announced ("… (N more characters)").
const MAX_VALUE = 300;
const MAX_DOCUMENT = 2000;
const MAX_REQUEST_JSON = 1000;
const MAX_LINES_PER_KIND = 20;
const MAX_STATEMENTS = 10;
const MAX_DETAILS = 60;

export interface DetailsInput {
  detail: CloudTrailDetail;
  action: Action;
  account: string;
  resourcesShown: number;
  resourcesTotal: number;
}

/** What exactly changed, as label/value pairs: each rule, policy statement, instance, setting. */
export function describeDetails(input: DetailsInput): Detail[] {
  const out = new DetailList();
  addActionDetails(out, input);
  addTags(out, input.detail.requestParameters);
  if (input.resourcesTotal > input.resourcesShown) {
    out.add('Resources', `${input.resourcesShown} of ${input.resourcesTotal} listed`);
  }
  return out.done();
}

class DetailList {
  private readonly details: Detail[] = [];
  private dropped = 0;

  add(label: string, value: string | null | undefined, max = MAX_VALUE): void {
    if (value === null || value === undefined || value === '') return;
    if (this.details.length >= MAX_DETAILS) {
      this.dropped += 1;
      return;
    }
    this.details.push({ label, value: clip(value, max) });
  }

  /** Adds one detail per value, at most MAX_LINES_PER_KIND, then says how many were left out. */
  addEach(label: string, values: readonly string[]): void {
    for (const value of values.slice(0, MAX_LINES_PER_KIND)) this.add(label, value);
    if (values.length > MAX_LINES_PER_KIND)
      this.add(label, `… and ${values.length - MAX_LINES_PER_KIND} more`);
  }

  done(): Detail[] {
    if (this.dropped > 0)
      this.details.push({ label: 'More', value: `${this.dropped} more details not shown` });
    return this.details;
  }
}

function addActionDetails(out: DetailList, input: DetailsInput): void {
  const { action, detail } = input;
  switch (action.kind) {
    case 'sg-rules': {
      out.add('Security group', action.change.groupId);
      out.addEach('Rule', formatRuleLines(action.change));
      if (action.change.direction === 'unknown') {
        out.add(
          'Direction',
          'not recorded by CloudTrail (the rule id decides whether it is inbound or outbound)',
        );
      }
      return;
    }
    case 'security-group':
      out.add('Security group', action.groupId);
      out.add('Name', action.groupName);
      out.add('Description', action.description);
      out.add('VPC', action.vpcId);
      return;
    case 'instances':
      addInstanceDetails(out, action);
      return;
    case 'instance-attribute':
      out.add('Instance', action.instanceId);
      out.add('Attribute', action.attribute);
      out.add(
        'New value',
        action.attribute === 'userData'
          ? 'replaced (CloudTrail does not record user data)'
          : (action.value ?? 'not recorded'),
      );
      return;
    case 'vpc':
      out.add('VPC', action.vpcId);
      out.add('CIDR', action.cidr);
      return;
    case 'route':
      out.add('Route table', action.routeTableId);
      out.add('Destination', action.destination);
      out.add('Target', action.target === null ? null : `${action.target.type} ${action.target.id}`);
      return;
    case 'route-table':
      out.add('Route table', action.routeTableId);
      out.add('VPC', action.vpcId);
      out.add('Associated with', action.associatedWith);
      out.add('Association', action.associationId);
      out.addEach('Route', action.routes);
      return;
    case 'gateway':
      out.add(capitalise(action.gateway), action.gatewayId);
      out.add('VPC', action.vpcId);
      out.add('Subnet', action.subnetId);
      return;
    case 'bucket-policy':
      out.add('Bucket', action.bucket);
      if (action.operation === 'delete') out.add('Bucket policy', 'deleted');
      else addPolicy(out, action.policy, field(detail.requestParameters, 'bucketPolicy'), 'Bucket policy');
      return;
    case 'bucket-acl':
      out.add('Bucket', action.bucket);
      out.add('Canned ACL', action.cannedAcl);
      out.addEach(
        'Grant',
        action.grants.map((grant) => `${grant.permission} to ${grant.grantee}`),
      );
      return;
    case 'public-access-block':
      out.add(
        action.scope === 'account' ? 'Scope' : 'Bucket',
        action.scope === 'account' ? 'account' : action.bucket,
      );
      if (action.operation === 'delete') {
        out.add('Public access block', 'removed (all four settings off)');
      } else if (action.flags === null) {
        out.add('Settings', 'not recorded by CloudTrail');
      } else {
        for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
          const value = action.flags[flag];
          if (value !== undefined) out.add(flag, value ? 'on' : 'OFF');
        }
      }
      return;
    case 'policy-attachment':
      out.add(capitalise(action.principal.kind), action.principal.name);
      out.add('Policy', action.policyArn);
      return;
    case 'inline-policy':
      out.add(capitalise(action.principal.kind), action.principal.name);
      out.add('Inline policy', action.policyName);
      if (action.operation === 'put') {
        addPolicy(out, action.policy, field(detail.requestParameters, 'policyDocument'), 'Policy document');
      }
      return;
    case 'managed-policy':
      out.add('Policy', action.policy);
      out.add('Default version', action.setAsDefault ? 'yes' : 'no');
      addPolicy(out, action.document, field(detail.requestParameters, 'policyDocument'), 'Policy document');
      return;
    case 'trust-policy':
      out.add('Role', action.roleName);
      addTrustedPrincipals(out, action.policy, input.account);
      out.add('Permissions boundary', action.permissionsBoundary);
      addDocument(
        out,
        'Trust policy',
        action.policy,
        field(
          detail.requestParameters,
          action.operation === 'create-role' ? 'assumeRolePolicyDocument' : 'policyDocument',
        ),
      );
      return;
    case 'iam-user':
      out.add('User', action.userName);
      out.add('Path', text(detail.requestParameters, 'path'));
      out.add('Permissions boundary', text(detail.requestParameters, 'permissionsBoundary'));
      return;
    case 'access-key':
      out.add('Access key id', action.accessKeyId);
      out.add('User', action.userName ?? (detail.userIdentity.type === 'Root' ? 'root' : 'the caller'));
      out.add('Status', action.status);
      return;
    case 'trail':
      out.add('Trail', action.trail === null ? null : trailDisplayName(action.trail));
      if (action.trail?.startsWith('arn:')) out.add('Trail ARN', action.trail);
      for (const setting of action.settings.slice(0, MAX_LINES_PER_KIND))
        out.add(setting.label, setting.value);
      out.addEach('Weakens logging', action.weakening);
      return;
    case 'console-login':
      out.add('Result', action.success ? 'Success' : 'Failure');
      out.add(
        'MFA used',
        input.detail.userIdentity.type === 'IAMUser' || input.detail.userIdentity.type === 'Root'
          ? action.mfaUsed === null
            ? null
            : action.mfaUsed
              ? 'yes'
              : 'no'
          : 'not recorded (the identity provider handles MFA)',
      );
      out.add('Signing in to', text(detail.additionalEventData, 'LoginTo'));
      return;
    case 'assume-role':
      out.add('Role', action.roleArn);
      out.add('Session name', action.sessionName);
      out.add('Duration', durationWords(num(detail.requestParameters, 'durationSeconds')));
      return;
    case 'leave-organization':
      out.add('Account', input.account);
      return;
    case 'generic':
      if (isRecord(detail.requestParameters) && Object.keys(detail.requestParameters).length > 0) {
        out.add(
          'Request parameters',
          compactJson(detail.requestParameters, MAX_REQUEST_JSON),
          MAX_REQUEST_JSON + 40,
        );
      }
      return;
  }
}

function addInstanceDetails(out: DetailList, action: InstancesAction): void {
  out.add(
    'Instances',
    action.instanceIds.length === 0 ? null : listSome(action.instanceIds, MAX_LINES_PER_KIND),
  );
  out.add('Instance type', action.instanceTypes.join(', '));
  if (action.requested !== null) {
    const { min, max } = action.requested;
    out.add(
      'Requested count',
      min === null && max === null ? null : min === max ? String(min) : `${min ?? '?'} to ${max ?? '?'}`,
    );
  }
  out.add('AMI', action.imageIds.join(', '));
  out.add('Launch template', action.launchTemplate);
  out.add('Key pair', action.keyName);
  out.add('Subnet', action.subnetId);
  out.add('Security groups', action.securityGroups.join(', '));
  out.add('IAM instance profile', action.instanceProfile);
  if (action.userData) out.add('User data', 'provided (CloudTrail does not record it)');
  if (action.publicIp) out.add('Public IP', 'requested');
  if (action.force) out.add('Force', 'yes (no clean shutdown)');
  const states = unique(action.transitions.map((t) => `${t.from ?? '?'} → ${t.to ?? '?'}`));
  if (states.length === 1) out.add('State', states[0]);
  else
    out.addEach(
      'State',
      action.transitions.map((t) => `${t.instanceId}: ${t.from ?? '?'} → ${t.to ?? '?'}`),
    );
}

function addPolicy(out: DetailList, policy: PolicyDocument | null, raw: unknown, label: string): void {
  if (policy !== null) {
    const statements = policy.statements.map(formatStatement);
    for (const statement of statements.slice(0, MAX_STATEMENTS)) out.add('Statement', statement);
    if (statements.length > MAX_STATEMENTS)
      out.add('Statement', `… and ${statements.length - MAX_STATEMENTS} more`);
  }
  addDocument(out, label, policy, raw);
}

function addDocument(out: DetailList, label: string, policy: PolicyDocument | null, raw: unknown): void {
  if (policy !== null) out.add(label, policy.text, MAX_DOCUMENT);
  else if (typeof raw === 'string' && raw !== '') out.add(`${label} (unreadable)`, raw, MAX_DOCUMENT);
}

function addTrustedPrincipals(out: DetailList, policy: PolicyDocument | null, account: string): void {
  if (policy === null) return;
  const lines: string[] = [];
  for (const statement of policy.statements) {
    if (statement.principals === null) continue;
    for (const principal of statement.principals) {
      const owner =
        principal.kind !== 'AWS' || isEveryone(principal)
          ? null
          : /^\d{12}$/.test(principal.value)
            ? principal.value
            : arnAccount(principal.value);
      const where =
        owner === null ? '' : owner === account ? ' (this account)' : ` (another account: ${owner})`;
      const condition = statement.conditionKeys.length > 0 ? ` if ${statement.conditionKeys.join(', ')}` : '';
      lines.push(`${statement.effect} ${formatPrincipal(principal)}${where}${condition}`);
    }
  }
  out.addEach('Trusted principal', lines);
}

/** EC2 `tagSpecificationSet.items[].tags[]` and IAM `tags[]`, as `key=value`. */
function addTags(out: DetailList, request: unknown): void {
  const tags: string[] = [];
  const read = (list: unknown): void => {
    for (const tag of items(list)) {
      const key = text(tag, 'key') ?? text(tag, 'Key');
      if (key === null) continue;
      const value = field(tag, 'value') ?? field(tag, 'Value');
      tags.push(`${key}=${typeof value === 'string' ? value : ''}`);
    }
  };
  for (const specification of items(field(request, 'tagSpecificationSet')))
    read(field(specification, 'tags'));
  read(field(request, 'tags'));
  if (tags.length > 0) out.add('Tags', listSome(tags, MAX_LINES_PER_KIND));
}

function durationWords(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function capitalise(value: string): string {
  return value.length === 0 ? value : `${value[0]?.toUpperCase()}${value.slice(1)}`;
}
