import type { CloudTrailDetail } from '../../events/cloudtrail';
import { addPolicy } from '../detail-list';
import { shortName } from '../phrases';
import { fullAdminStatements, type PolicyDocument, parsePolicyDocument } from '../policies';
import { field, text } from '../read';
import { type Finding, NO_FINDINGS, type ServiceModule } from '../service';

/**
 * AWS Organizations: accounts leaving or removed, the organization deleted, and its policies. Service control
 * policies (SCPs) are the guardrails every member account lives under (no IAM policy in the account can
 * grant what an SCP denies), so switching them off, detaching one or rewriting one to allow everything is how
 * an attacker with the management account frees every account at once.
 */
export type OrganizationsAction =
  | { kind: 'leave-organization' }
  | {
      kind: 'organization-membership';
      operation: 'remove-account' | 'delete-organization';
      accountId: string | null;
    }
  | OrgPolicyAction
  | {
      kind: 'org-policy-type';
      operation: 'disable' | 'enable';
      policyType: string | null;
      rootId: string | null;
    };

interface OrgPolicyAction {
  kind: 'org-policy';
  operation: 'create' | 'update' | 'delete' | 'attach' | 'detach';
  /** The policy id (`p-…`); null when CloudTrail recorded none (CreatePolicy names it only in its response). */
  policyId: string | null;
  name: string | null;
  /** `SERVICE_CONTROL_POLICY`, `TAG_POLICY`, …: recorded by CreatePolicy only. */
  policyType: string | null;
  /** The root, OU or account an attach or detach names. */
  targetId: string | null;
  /** The new content (CreatePolicy, UpdatePolicy with content). */
  content: PolicyDocument | null;
}

const SCP = 'SERVICE_CONTROL_POLICY';
/** The AWS managed SCP allowing everything: detaching it restricts, it does not free. */
const FULL_AWS_ACCESS = 'p-FullAWSAccess';

const POLICY_OPERATIONS: Readonly<Record<string, OrgPolicyAction['operation']>> = {
  CreatePolicy: 'create',
  UpdatePolicy: 'update',
  DeletePolicy: 'delete',
  AttachPolicy: 'attach',
  DetachPolicy: 'detach',
};

function readPolicy(detail: CloudTrailDetail): OrgPolicyAction {
  const request = detail.requestParameters;
  const summary = field(field(detail.responseElements, 'policy'), 'policySummary');
  return {
    kind: 'org-policy',
    operation: POLICY_OPERATIONS[detail.eventName] ?? 'update',
    policyId: text(request, 'policyId') ?? text(summary, 'id'),
    name: text(request, 'name') ?? text(summary, 'name'),
    policyType: text(request, 'type') ?? text(summary, 'type'),
    targetId: text(request, 'targetId'),
    content: parsePolicyDocument(field(request, 'content')),
  };
}

const readMembership = (detail: CloudTrailDetail): OrganizationsAction => ({
  kind: 'organization-membership',
  operation: detail.eventName === 'DeleteOrganization' ? 'delete-organization' : 'remove-account',
  accountId: text(detail.requestParameters, 'accountId'),
});

const readPolicyType = (detail: CloudTrailDetail): OrganizationsAction => ({
  kind: 'org-policy-type',
  operation: detail.eventName === 'DisablePolicyType' ? 'disable' : 'enable',
  policyType: text(detail.requestParameters, 'policyType'),
  rootId: text(detail.requestParameters, 'rootId'),
});

const policyWords = (action: OrgPolicyAction): string =>
  `${action.policyType === SCP ? 'service control policy' : 'organization policy'} ${shortName(action.name ?? action.policyId ?? '(unnamed)')}`;

export const organizations: ServiceModule<OrganizationsAction['kind']> = {
  source: 'organizations',
  readers: {
    LeaveOrganization: () => ({ kind: 'leave-organization' }),
    RemoveAccountFromOrganization: readMembership,
    DeleteOrganization: readMembership,
    ...Object.fromEntries(Object.keys(POLICY_OPERATIONS).map((name) => [name, readPolicy])),
    DisablePolicyType: readPolicyType,
    EnablePolicyType: readPolicyType,
  },
  actions: {
    'leave-organization': {
      phrase: (_action, input) => `took account ${shortName(input.account)} out of its AWS Organization`,
      details(_action, out, input) {
        out.add('Account', input.account);
      },
      // The attempt is the signal: nobody tries to leave the organization by accident.
      intent(_action, input) {
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
      },
    },
    'organization-membership': {
      phrase: (action) =>
        action.operation === 'delete-organization'
          ? 'deleted the AWS Organization'
          : `removed account ${shortName(action.accountId ?? '(unknown)')} from the AWS Organization`,
      details(action, out) {
        out.add('Account', action.accountId);
      },
      effect: (action) => [
        {
          severity: 'critical',
          reason:
            action.operation === 'delete-organization'
              ? 'The AWS Organization was deleted: no service control policy, organization trail or delegated security service covers any of its accounts any more.'
              : `Account ${action.accountId ?? '(unknown)'} was removed from the AWS Organization: service control policies, organization trails and central security tooling no longer apply to it.`,
        },
      ],
    },
    'org-policy': {
      phrase(action) {
        const policy = policyWords(action);
        const target =
          action.targetId === null
            ? ''
            : ` ${action.operation === 'attach' ? 'to' : 'from'} ${shortName(action.targetId)}`;
        switch (action.operation) {
          case 'create':
            return `created ${policy}`;
          case 'update':
            return action.content === null ? `renamed or described ${policy}` : `rewrote ${policy}`;
          case 'delete':
            return `deleted ${policy}`;
          case 'attach':
            return `attached ${policy}${target}`;
          case 'detach':
            return `detached ${policy}${target}`;
        }
      },
      details(action, out, { detail }) {
        out.add('Policy', action.policyId);
        out.add('Name', action.name);
        out.add('Type', action.policyType);
        out.add('Target', action.targetId);
        addPolicy(out, action.content, field(detail.requestParameters, 'content'), 'Content');
      },
      effect: orgPolicyFindings,
    },
    'org-policy-type': {
      phrase: (action) =>
        `${action.operation === 'disable' ? 'switched off' : 'switched on'} ${action.policyType === SCP ? 'service control policies' : shortName(action.policyType ?? 'a policy type')}${action.rootId === null ? '' : ` in ${shortName(action.rootId)}`}`,
      details(action, out) {
        out.add('Policy type', action.policyType);
        out.add('Root', action.rootId);
      },
      effect(action) {
        if (action.operation !== 'disable') return NO_FINDINGS;
        if (action.policyType === SCP) {
          return [
            {
              severity: 'critical',
              reason: `Service control policies were switched off${action.rootId === null ? '' : ` in ${action.rootId}`}: every SCP is detached at once, and every guardrail they held is gone from every account of the organization.`,
            },
          ];
        }
        return [
          {
            severity: 'warning',
            reason: `The ${action.policyType ?? 'unknown'} policy type was switched off: every policy of that type is detached from every account.`,
          },
        ];
      },
    },
  },
};

/**
 * An SCP only takes away: a statement allowing everything with nothing denied beside it takes nothing away,
 * so such content turns the policy into FullAWSAccess wherever it is attached.
 */
function orgPolicyFindings(action: OrgPolicyAction, input: { account: string }): readonly Finding[] {
  const policy = `${action.name ?? action.policyId ?? 'an organization policy'}`;
  if (action.operation === 'detach') {
    if (action.policyId === FULL_AWS_ACCESS) return NO_FINDINGS;
    return [
      {
        severity: 'warning',
        reason: `Policy ${policy} was detached from ${action.targetId ?? 'a target'}: if it is a service control policy, whatever it denied is allowed there again.`,
      },
    ];
  }
  if (action.operation !== 'update' || action.content === null) return NO_FINDINGS;
  const denies = action.content.statements.some((statement) => statement.effect.toLowerCase() === 'deny');
  if (!denies && fullAdminStatements(action.content, input.account).length > 0) {
    return [
      {
        severity: 'critical',
        reason: `Policy ${policy} was rewritten to allow every action and deny none: as a service control policy it no longer restricts anything in any account it is attached to.`,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      reason: `The content of policy ${policy} was replaced: as a service control policy, it changes what every account it is attached to may do.`,
    },
  ];
}
