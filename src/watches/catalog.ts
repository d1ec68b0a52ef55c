import { createCatalog } from './compile';
import { InvalidWatchError } from './custom';
import type { Watch, WatchCatalog } from './types';

const API_CALL = 'AWS API Call via CloudTrail';

/**
 * A pattern for CloudTrail management events of one service, restricted to the named (mutating) API calls.
 * Listing event names is what keeps read-only calls (Describe*, Get*, List*) out: EventBridge only
 * delivers read-only management events to rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS,
 * and the catalog never asks for them.
 */
function apiCalls(service: string, eventNames: readonly string[]): Watch['pattern'] {
  return {
    source: [`aws.${service}`],
    'detail-type': [API_CALL],
    detail: { eventSource: [`${service}.amazonaws.com`], eventName: [...eventNames] },
  };
}

/** The built-in watch catalog. Ids are stable: subscriptions and mutes in DynamoDB refer to them. */
export const builtInWatches: readonly Watch[] = [
  {
    id: 'security-groups',
    aliases: ['sg', 'sgs', 'security-group', 'securitygroups', 'firewall'],
    title: 'Security groups',
    description:
      'Security groups created or deleted, ingress/egress rules authorized, revoked or modified, and the managed prefix lists rules refer to.',
    pattern: apiCalls('ec2', [
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'ModifySecurityGroupRules',
      'UpdateSecurityGroupRuleDescriptionsIngress',
      'UpdateSecurityGroupRuleDescriptionsEgress',
      // A rule that names a prefix list admits whatever the list holds: changing the list changes the rule.
      'CreateManagedPrefixList',
      'ModifyManagedPrefixList',
    ]),
  },
  {
    id: 'ec2',
    aliases: ['instances', 'instance', 'ec2-instances'],
    title: 'EC2 instances',
    description:
      'Instances launched, started, stopped, rebooted, terminated, or their attributes and metadata options changed.',
    pattern: apiCalls('ec2', [
      'RunInstances',
      'StartInstances',
      'StopInstances',
      'RebootInstances',
      'TerminateInstances',
      'ModifyInstanceAttribute',
      'ModifyInstanceMetadataOptions',
    ]),
  },
  {
    id: 'vpc',
    aliases: ['vpcs', 'network', 'networking'],
    title: 'VPC and gateways',
    description: 'VPCs, subnets, internet/NAT gateways, network ACLs, peering connections and VPC endpoints.',
    pattern: apiCalls('ec2', [
      'CreateVpc',
      'DeleteVpc',
      'ModifyVpcAttribute',
      'AssociateVpcCidrBlock',
      'DisassociateVpcCidrBlock',
      'CreateSubnet',
      'DeleteSubnet',
      'ModifySubnetAttribute',
      'CreateInternetGateway',
      'DeleteInternetGateway',
      'AttachInternetGateway',
      'DetachInternetGateway',
      'CreateEgressOnlyInternetGateway',
      'DeleteEgressOnlyInternetGateway',
      'CreateNatGateway',
      'DeleteNatGateway',
      'CreateNetworkAcl',
      'DeleteNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
      'CreateVpcPeeringConnection',
      'AcceptVpcPeeringConnection',
      'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection',
      'CreateVpcEndpoint',
      'ModifyVpcEndpoint',
      'DeleteVpcEndpoints',
    ]),
  },
  {
    id: 'route-tables',
    aliases: ['routes', 'route-table', 'routing', 'rt'],
    title: 'Route tables',
    description:
      'Routes and route tables created, replaced or deleted, and their subnet/gateway associations.',
    pattern: apiCalls('ec2', [
      'CreateRoute',
      'DeleteRoute',
      'ReplaceRoute',
      'CreateRouteTable',
      'DeleteRouteTable',
      'AssociateRouteTable',
      'DisassociateRouteTable',
      'ReplaceRouteTableAssociation',
    ]),
  },
  {
    id: 's3',
    aliases: ['buckets', 'bucket', 's3-buckets'],
    title: 'S3 bucket access',
    description:
      'Bucket policies, ACLs, public access blocks, ownership controls, encryption, and bucket deletion.',
    pattern: apiCalls('s3', [
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketAcl',
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutAccountPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
      'PutBucketOwnershipControls',
      'DeleteBucketOwnershipControls',
      'PutBucketEncryption',
      'DeleteBucketEncryption',
      'DeleteBucket',
    ]),
  },
  {
    id: 'iam',
    aliases: ['identity', 'users', 'roles', 'policies'],
    title: 'IAM',
    description:
      'Users, groups, roles and their trust policies, managed and inline policies, access keys, passwords, MFA devices, identity providers.',
    pattern: apiCalls('iam', [
      'CreateUser',
      'DeleteUser',
      'UpdateUser',
      'CreateGroup',
      'DeleteGroup',
      'AddUserToGroup',
      'RemoveUserFromGroup',
      'CreateRole',
      'DeleteRole',
      'UpdateRole',
      'UpdateAssumeRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'PutUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'DeleteUserPolicy',
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'PutUserPermissionsBoundary',
      'DeleteUserPermissionsBoundary',
      'PutRolePermissionsBoundary',
      'DeleteRolePermissionsBoundary',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'SetDefaultPolicyVersion',
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'CreateVirtualMFADevice',
      'DeleteVirtualMFADevice',
      'EnableMFADevice',
      'DeactivateMFADevice',
      'CreateSAMLProvider',
      'UpdateSAMLProvider',
      'DeleteSAMLProvider',
      'CreateOpenIDConnectProvider',
      'DeleteOpenIDConnectProvider',
      'UpdateAccountPasswordPolicy',
      'DeleteAccountPasswordPolicy',
    ]),
  },
  {
    id: 'cloudtrail',
    aliases: ['trail', 'trails', 'audit', 'audit-trail'],
    title: 'CloudTrail tampering',
    description:
      'Changes to the audit trail itself: logging stopped, trails deleted or updated, event selectors changed.',
    pattern: apiCalls('cloudtrail', [
      'StopLogging',
      'DeleteTrail',
      'UpdateTrail',
      'PutEventSelectors',
      'PutInsightSelectors',
      'DeleteEventDataStore',
      'UpdateEventDataStore',
      'StopEventDataStoreIngestion',
    ]),
  },
  {
    id: 'signin',
    aliases: ['console', 'console-login', 'login', 'logins', 'sign-in'],
    title: 'Console sign-in',
    description: 'AWS console sign-ins: root sign-ins, sign-ins without MFA, and failed attempts.',
    pattern: {
      source: ['aws.signin'],
      'detail-type': ['AWS Console Sign In via CloudTrail'],
      detail: { eventName: ['ConsoleLogin'] },
    },
  },
  {
    id: 'organizations',
    aliases: ['org', 'orgs', 'organization'],
    title: 'AWS Organizations',
    description:
      'Accounts leaving or being removed from the organization, and changes to organization policies (SCPs).',
    pattern: apiCalls('organizations', [
      'LeaveOrganization',
      'RemoveAccountFromOrganization',
      'DeleteOrganization',
      'CreatePolicy',
      'UpdatePolicy',
      'DeletePolicy',
      'AttachPolicy',
      'DetachPolicy',
      'DisablePolicyType',
    ]),
  },
];

/** The built-in watches, compiled once. */
export const builtInCatalog: WatchCatalog = createCatalog(builtInWatches);

/**
 * The catalog a deployment runs: its custom watches (parsed definitions, see `parseCustomWatch`) followed by the
 * built-in ones listed in `builtIn` (default all: a deployment gives rules to the ones it enables, and the app
 * must not offer the others). Custom watches come first so that a change both match takes the custom watch as
 * its primary one: a team that pasted its classic rule keeps its own summary line. Pure: reading the custom
 * watch folder is `loadCatalog`'s job (src/watches/loader.ts).
 * @throws InvalidWatchError for an unknown built-in id; DuplicateWatchError when two watches share an id.
 */
export function buildCatalog(
  options: { custom?: readonly Watch[]; builtIn?: readonly string[] } = {},
): WatchCatalog {
  const custom = options.custom ?? [];
  if (custom.length === 0 && options.builtIn === undefined) return builtInCatalog;
  const enabled = options.builtIn === undefined ? undefined : new Set(options.builtIn);
  for (const id of enabled ?? []) {
    if (!builtInWatches.some((watch) => watch.id === id))
      throw new InvalidWatchError('BUILT_IN_WATCHES', `'${id}' is not a built-in watch.`);
  }
  const builtIn = enabled === undefined ? builtInWatches : builtInWatches.filter((w) => enabled.has(w.id));
  return createCatalog([...custom, ...builtIn]);
}
