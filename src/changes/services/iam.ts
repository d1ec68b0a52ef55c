import type { CloudTrailDetail } from '../../events/cloudtrail';
import { addDocument, addPolicy, type DetailList } from '../detail-list';
import { shortName, shortNames } from '../phrases';
import {
  awsManagedPolicyName,
  ESCALATING_MANAGED_POLICIES,
  formatPrincipal,
  fullAdminStatements,
  isEveryone,
  isRestrictingConditionKey,
  type PolicyDocument,
  parsePolicyDocument,
  riskyTrust,
  type StatementPower,
  statementLabel,
  statementPowers,
} from '../policies';
import { arnAccount, arnName, bool, capitalise, field, listSome, text, unique } from '../read';
import {
  type Finding,
  NO_FINDINGS,
  type ServiceModule,
  type SeverityInput,
  type SummaryInput,
} from '../service';

/** IAM: policies attached, put, created or versioned, role trust policies, users and access keys. */
export type IamAction =
  | {
      kind: 'policy-attachment';
      operation: 'attach' | 'detach';
      principal: IamPrincipal;
      policyArn: string | null;
    }
  | {
      kind: 'inline-policy';
      operation: 'put' | 'delete';
      principal: IamPrincipal;
      policyName: string | null;
      policy: PolicyDocument | null;
    }
  | {
      kind: 'managed-policy';
      operation: 'create' | 'create-version' | 'set-default';
      policy: string | null;
      document: PolicyDocument | null;
      setAsDefault: boolean;
      /** The version made the default (SetDefaultPolicyVersion). */
      versionId: string | null;
    }
  | TrustPolicyAction
  | { kind: 'iam-user'; operation: 'create' | 'delete'; userName: string | null }
  | AccessKeyAction;

interface TrustPolicyAction {
  kind: 'trust-policy';
  operation: 'create-role' | 'update';
  roleName: string | null;
  policy: PolicyDocument | null;
  permissionsBoundary: string | null;
}

interface AccessKeyAction {
  kind: 'access-key';
  operation: 'create' | 'delete' | 'update';
  /** null when the caller acted on its own user (no userName parameter). */
  userName: string | null;
  accessKeyId: string | null;
  status: string | null;
}

export interface IamPrincipal {
  kind: 'user' | 'role' | 'group';
  name: string | null;
}

type Of<K extends IamAction['kind']> = Extract<IamAction, { kind: K }>;

const PRINCIPAL_KINDS: Readonly<Record<string, IamPrincipal['kind']>> = {
  User: 'user',
  Role: 'role',
  Group: 'group',
};

/** AttachUserPolicy, DetachRolePolicy, …: one reader per verb and principal kind. */
function principalReaders<A extends IamAction>(
  verbs: readonly string[],
  read: (verb: string, principal: IamPrincipal, detail: CloudTrailDetail) => A,
): Record<string, (detail: CloudTrailDetail) => A> {
  return Object.fromEntries(
    verbs.flatMap((verb) =>
      Object.entries(PRINCIPAL_KINDS).map(([suffix, kind]) => [
        `${verb}${suffix}Policy`,
        (detail: CloudTrailDetail) =>
          read(verb, { kind, name: text(detail.requestParameters, `${kind}Name`) }, detail),
      ]),
    ),
  );
}

const readAttachment = (
  verb: string,
  principal: IamPrincipal,
  detail: CloudTrailDetail,
): Of<'policy-attachment'> => ({
  kind: 'policy-attachment',
  operation: verb === 'Attach' ? 'attach' : 'detach',
  principal,
  policyArn: text(detail.requestParameters, 'policyArn'),
});

const readInline = (
  verb: string,
  principal: IamPrincipal,
  detail: CloudTrailDetail,
): Of<'inline-policy'> => ({
  kind: 'inline-policy',
  operation: verb === 'Put' ? 'put' : 'delete',
  principal,
  policyName: text(detail.requestParameters, 'policyName'),
  policy: verb === 'Put' ? parsePolicyDocument(field(detail.requestParameters, 'policyDocument')) : null,
});

function readManagedPolicy({
  eventName: name,
  requestParameters: request,
}: CloudTrailDetail): Of<'managed-policy'> {
  return {
    kind: 'managed-policy',
    operation:
      name === 'CreatePolicy'
        ? 'create'
        : name === 'SetDefaultPolicyVersion'
          ? 'set-default'
          : 'create-version',
    policy: text(request, 'policyArn') ?? text(request, 'policyName'),
    document: parsePolicyDocument(field(request, 'policyDocument')),
    // A new policy is its own default version; a new version only takes effect with setAsDefault.
    setAsDefault:
      name === 'CreatePolicy' || name === 'SetDefaultPolicyVersion' || bool(request, 'setAsDefault') === true,
    versionId: text(request, 'versionId'),
  };
}

function readTrustPolicy(detail: CloudTrailDetail): TrustPolicyAction {
  const { eventName: name, requestParameters: request } = detail;
  const document = field(request, name === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument');
  return {
    kind: 'trust-policy',
    operation: name === 'CreateRole' ? 'create-role' : 'update',
    roleName: text(request, 'roleName') ?? text(field(detail.responseElements, 'role'), 'roleName'),
    policy: parsePolicyDocument(document),
    permissionsBoundary: text(request, 'permissionsBoundary'),
  };
}

function readUser(detail: CloudTrailDetail): Of<'iam-user'> {
  return {
    kind: 'iam-user',
    operation: detail.eventName === 'CreateUser' ? 'create' : 'delete',
    userName:
      text(detail.requestParameters, 'userName') ?? text(field(detail.responseElements, 'user'), 'userName'),
  };
}

function readAccessKey(detail: CloudTrailDetail): AccessKeyAction {
  const { eventName: name, requestParameters: request } = detail;
  const key = field(detail.responseElements, 'accessKey');
  return {
    kind: 'access-key',
    operation: name === 'CreateAccessKey' ? 'create' : name === 'DeleteAccessKey' ? 'delete' : 'update',
    userName: text(request, 'userName') ?? text(key, 'userName'),
    accessKeyId: text(key, 'accessKeyId') ?? text(request, 'accessKeyId'),
    status: text(key, 'status') ?? text(request, 'status'),
  };
}

const principalWords = (principal: IamPrincipal): string =>
  `${principal.kind} ${shortName(principal.name ?? '(unknown)')}`;
const onPrincipal = (action: { principal: IamPrincipal }): string =>
  action.principal.name === null ? '' : ` on ${action.principal.kind} ${shortName(action.principal.name)}`;
const forUser = (action: { userName: string | null }): string =>
  action.userName === null ? '' : ` for user ${shortName(action.userName)}`;

export const iam: ServiceModule<IamAction['kind']> = {
  source: 'iam',
  readers: {
    ...principalReaders(['Attach', 'Detach'], readAttachment),
    ...principalReaders(['Put', 'Delete'], readInline),
    CreatePolicy: readManagedPolicy,
    CreatePolicyVersion: readManagedPolicy,
    SetDefaultPolicyVersion: readManagedPolicy,
    CreateRole: readTrustPolicy,
    UpdateAssumeRolePolicy: readTrustPolicy,
    CreateUser: readUser,
    DeleteUser: readUser,
    CreateAccessKey: readAccessKey,
    DeleteAccessKey: readAccessKey,
    UpdateAccessKey: readAccessKey,
  },
  actions: {
    'policy-attachment': {
      phrase(action) {
        const policy = shortName(action.policyArn === null ? '(unknown policy)' : arnName(action.policyArn));
        const principal = principalWords(action.principal);
        return action.operation === 'attach'
          ? `attached ${policy} to ${principal}`
          : `detached ${policy} from ${principal}`;
      },
      target: onPrincipal,
      details(action, out) {
        out.add(capitalise(action.principal.kind), action.principal.name);
        out.add('Policy', action.policyArn);
      },
      effect(action) {
        if (action.operation !== 'attach' || action.policyArn === null) return NO_FINDINGS;
        const name = awsManagedPolicyName(action.policyArn);
        const known = name === null ? undefined : ESCALATING_MANAGED_POLICIES.get(name);
        if (known === undefined) return NO_FINDINGS;
        return [
          {
            severity: known.severity,
            reason: `${name} was attached to ${reasonPrincipal(action.principal)}: ${known.why}`,
          },
        ];
      },
    },
    'inline-policy': {
      phrase(action, input) {
        const principal = principalWords(action.principal);
        const name = shortName(action.policyName ?? '(unnamed)');
        if (action.operation === 'delete') return `deleted inline policy ${name} from ${principal}`;
        if (action.policy !== null && fullAdminStatements(action.policy, input.account).length > 0) {
          return `gave ${principal} full admin (Action "*" on Resource "*") with inline policy ${name}`;
        }
        return `put inline policy ${name} on ${principal}`;
      },
      target: onPrincipal,
      details(action, out, { detail }) {
        out.add(capitalise(action.principal.kind), action.principal.name);
        out.add('Inline policy', action.policyName);
        if (action.operation === 'put') {
          addPolicy(out, action.policy, field(detail.requestParameters, 'policyDocument'), 'Policy document');
        }
      },
      // Administrator access and the ways to it, whatever the spelling (see statementPowers), statement named.
      effect(action, input) {
        if (action.operation !== 'put' || action.policy === null) return NO_FINDINGS;
        const policy = `Inline policy ${action.policyName ?? '(unnamed)'} on ${reasonPrincipal(action.principal)}`;
        const { kind, name } = action.principal;
        const holder = name === null ? undefined : { kind, name };
        return statementPowers(action.policy, input.account, holder).map((power) => ({
          severity: power.kind === 'pass-role' ? 'warning' : 'critical',
          reason: `${policy} allows ${powerWords(power)}.`,
        }));
      },
    },
    'managed-policy': {
      phrase(action, input) {
        const name = shortName(action.policy === null ? '(unnamed)' : arnName(action.policy));
        const admin =
          action.document !== null && fullAdminStatements(action.document, input.account).length > 0;
        const grants = admin ? ' granting full admin (Action "*" on Resource "*")' : '';
        if (action.operation === 'create') return `created managed policy ${name}${grants}`;
        if (action.operation === 'set-default')
          return `made version ${shortName(action.versionId ?? '(unknown)')} the default of policy ${name}`;
        return `created a new${action.setAsDefault ? ' default' : ''} version of policy ${name}${grants}`;
      },
      details(action, out, { detail }) {
        out.add('Policy', action.policy);
        out.add('Default version', action.versionId ?? (action.setAsDefault ? 'yes' : 'no'));
        addPolicy(out, action.document, field(detail.requestParameters, 'policyDocument'), 'Policy document');
      },
      effect(action, input) {
        const policy =
          action.policy === null ? 'a managed policy' : `managed policy ${arnName(action.policy)}`;
        // The version's content is not in the event: switching versions is the second half of a known
        // escalation (create a non-default version, make it the default later), so it is never routine.
        if (action.operation === 'set-default') {
          return [
            {
              severity: 'warning',
              reason: `Version ${action.versionId ?? '(unknown)'} of ${policy} is now in effect for everyone it is attached to. The event does not say what that version allows: check it, it may be a version created earlier to be switched on now.`,
            },
          ];
        }
        if (action.document === null) return NO_FINDINGS;
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
      },
    },
    'trust-policy': {
      phrase: trustPhrase,
      target: (action) => (action.roleName === null ? '' : ` on role ${shortName(action.roleName)}`),
      details(action, out, input) {
        out.add('Role', action.roleName);
        addTrustedPrincipals(out, action.policy, input.account);
        out.add('Permissions boundary', action.permissionsBoundary);
        addDocument(
          out,
          'Trust policy',
          action.policy,
          field(
            input.detail.requestParameters,
            action.operation === 'create-role' ? 'assumeRolePolicyDocument' : 'policyDocument',
          ),
        );
      },
      effect: trustPolicyFindings,
    },
    'iam-user': {
      phrase: (action) =>
        `${action.operation === 'create' ? 'created' : 'deleted'} IAM user ${shortName(action.userName ?? '(unknown)')}`,
      target: forUser,
      details(action, out, { detail }) {
        out.add('User', action.userName);
        out.add('Path', text(detail.requestParameters, 'path'));
        out.add('Permissions boundary', text(detail.requestParameters, 'permissionsBoundary'));
      },
    },
    'access-key': {
      phrase(action, input) {
        const key =
          action.accessKeyId === null ? 'an access key' : `access key ${shortName(action.accessKeyId)}`;
        const owner =
          action.userName !== null
            ? `user ${shortName(action.userName)}`
            : input.actor.type === 'Root'
              ? 'the root user'
              : 'their own user';
        if (action.operation === 'create') return `created ${key} for ${owner}`;
        if (action.operation === 'delete') return `deleted ${key} of ${owner}`;
        return `set ${key} of ${owner} to ${shortName(action.status ?? '(unknown status)')}`;
      },
      target: forUser,
      details(action, out, { detail }) {
        out.add('Access key id', action.accessKeyId);
        out.add('User', action.userName ?? (detail.userIdentity.type === 'Root' ? 'root' : 'the caller'));
        out.add('Status', action.status);
      },
      effect: accessKeyFindings,
    },
  },
};

function trustPhrase(action: TrustPolicyAction, input: SummaryInput): string {
  const role = action.roleName === null ? 'a role (name not recorded)' : `role ${shortName(action.roleName)}`;
  const risky = action.policy === null ? [] : riskyTrust(action.policy, input.account);
  const everyone = risky.some((finding) => finding.risk === 'everyone');
  const accounts = unique(risky.map((finding) => finding.account).filter((a): a is string => a !== null));
  let trust = '';
  if (everyone) trust = 'anyone (Principal "*")';
  else if (accounts.length > 0) trust = `account${accounts.length === 1 ? '' : 's'} ${shortNames(accounts)}`;
  if (action.operation === 'create-role')
    return trust === '' ? `created ${role}` : `created ${role} trusting ${trust}`;
  return trust === ''
    ? `changed the trust policy of ${role}`
    : `changed the trust policy of ${role} to trust ${trust}`;
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

/** The principal as a severity reason names it: unclipped, since a reason is read in full. */
function reasonPrincipal(principal: IamPrincipal): string {
  return `${principal.kind} ${principal.name ?? '(name not recorded)'}`;
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

function trustPolicyFindings(action: TrustPolicyAction, input: SeverityInput): readonly Finding[] {
  if (action.policy === null) return NO_FINDINGS;
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

function accessKeyFindings(action: AccessKeyAction, input: SeverityInput): readonly Finding[] {
  if (action.operation !== 'create') return NO_FINDINGS;
  const key = action.accessKeyId === null ? '' : ` (${action.accessKeyId})`;
  const forOther =
    action.userName !== null &&
    action.userName !== (input.identity.userName ?? null) &&
    input.actor.type !== 'Root';
  const owner = action.userName ?? (input.actor.type === 'Root' ? 'the root user' : input.actor.display);
  return [
    {
      severity: 'warning',
      reason: `A new long-lived access key${key} was created for ${owner}; access keys are the most common way AWS credentials leak${forOther ? ', and creating one for another user is a known persistence technique' : ''}.`,
    },
  ];
}
