import type { CloudTrailDetail } from '../events/cloudtrail';
import { type PolicyDocument, parsePolicyDocument } from './policies';
import { arnName, bool, field, isRecord, items, num, strings, text, toBool, unique } from './read';
import { isSecurityGroupRuleEvent, readRuleChange, type SecurityGroupRuleChange } from './security-groups';

/**
 * What a CloudTrail event did, read once from its parameters and response so that details, severity and summary
 * agree. Events InfraWatch has no specific reading for are `generic`.
 */
export type Action =
  | { kind: 'sg-rules'; change: SecurityGroupRuleChange }
  | {
      kind: 'security-group';
      operation: 'create' | 'delete';
      groupId: string | null;
      groupName: string | null;
      vpcId: string | null;
      description: string | null;
    }
  | InstancesAction
  | { kind: 'instance-attribute'; instanceId: string | null; attribute: string; value: string | null }
  | { kind: 'vpc'; operation: 'create' | 'delete'; vpcId: string | null; cidr: string | null }
  | {
      kind: 'route';
      operation: 'create' | 'replace' | 'delete';
      routeTableId: string | null;
      destination: string | null;
      target: RouteTarget | null;
    }
  | {
      kind: 'route-table';
      operation: 'create' | 'delete' | 'associate' | 'disassociate' | 'replace-association';
      routeTableId: string | null;
      vpcId: string | null;
      associatedWith: string | null;
      associationId: string | null;
      routes: string[];
    }
  | {
      kind: 'gateway';
      gateway: 'internet gateway' | 'NAT gateway' | 'egress-only internet gateway';
      operation: 'create' | 'delete' | 'attach' | 'detach';
      gatewayId: string | null;
      vpcId: string | null;
      subnetId: string | null;
    }
  | {
      kind: 'bucket-policy';
      operation: 'put' | 'delete';
      bucket: string | null;
      policy: PolicyDocument | null;
    }
  | { kind: 'bucket-acl'; bucket: string | null; cannedAcl: string | null; grants: AclGrant[] }
  | {
      kind: 'public-access-block';
      operation: 'put' | 'delete';
      scope: 'bucket' | 'account';
      bucket: string | null;
      /** null when CloudTrail did not record the configuration. */
      flags: Partial<Record<PublicAccessBlockFlag, boolean>> | null;
    }
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
      operation: 'create' | 'create-version';
      policy: string | null;
      document: PolicyDocument | null;
      setAsDefault: boolean;
    }
  | {
      kind: 'trust-policy';
      operation: 'create-role' | 'update';
      roleName: string | null;
      policy: PolicyDocument | null;
      permissionsBoundary: string | null;
    }
  | { kind: 'iam-user'; operation: 'create' | 'delete'; userName: string | null }
  | {
      kind: 'access-key';
      operation: 'create' | 'delete' | 'update';
      /** null when the caller acted on its own user (no userName parameter). */
      userName: string | null;
      accessKeyId: string | null;
      status: string | null;
    }
  | {
      kind: 'trail';
      operation: TrailOperation;
      trail: string | null;
      settings: Array<{ label: string; value: string }>;
      /** Settings that make the trail record less, in words. */
      weakening: string[];
    }
  | { kind: 'console-login'; success: boolean; mfaUsed: boolean | null }
  | { kind: 'assume-role'; roleArn: string | null; sessionName: string | null }
  | { kind: 'leave-organization' }
  | { kind: 'generic' };

export interface InstancesAction {
  kind: 'instances';
  operation: 'run' | 'start' | 'stop' | 'reboot' | 'terminate';
  instanceIds: string[];
  instanceTypes: string[];
  /** RunInstances min/max count. */
  requested: { min: number | null; max: number | null } | null;
  imageIds: string[];
  keyName: string | null;
  subnetId: string | null;
  securityGroups: string[];
  launchTemplate: string | null;
  instanceProfile: string | null;
  userData: boolean;
  publicIp: boolean;
  transitions: Array<{ instanceId: string; from: string | null; to: string | null }>;
  force: boolean;
}

export interface RouteTarget {
  type: string;
  id: string;
}

export interface AclGrant {
  grantee: string;
  permission: string;
  /** Which public group the grant opens the bucket to, if any. */
  publicGroup: 'AllUsers' | 'AuthenticatedUsers' | null;
}

export interface IamPrincipal {
  kind: 'user' | 'role' | 'group';
  name: string | null;
}

export type PublicAccessBlockFlag =
  | 'BlockPublicAcls'
  | 'IgnorePublicAcls'
  | 'BlockPublicPolicy'
  | 'RestrictPublicBuckets';
export const PUBLIC_ACCESS_BLOCK_FLAGS: readonly PublicAccessBlockFlag[] = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

export type TrailOperation =
  | 'stop-logging'
  | 'start-logging'
  | 'delete'
  | 'update'
  | 'create'
  | 'event-selectors'
  | 'insight-selectors';

/** CloudTrail calls that can blind the audit trail. */
export const TRAIL_TAMPERING: ReadonlySet<TrailOperation> = new Set([
  'stop-logging',
  'delete',
  'update',
  'event-selectors',
]);

/** Reads what the call did. Never throws: unexpected shapes give emptier actions, never errors. */
export function interpretAction(detail: CloudTrailDetail, service: string): Action {
  const name = detail.eventName;
  const request = detail.requestParameters;
  const response = detail.responseElements;
  switch (service) {
    case 'ec2':
      return interpretEc2(name, request, response);
    case 's3':
      return interpretS3(name, request);
    case 'iam':
      return interpretIam(name, request, response);
    case 'cloudtrail':
      return interpretCloudTrail(name, request);
    case 'signin':
      if (name === 'ConsoleLogin') {
        return {
          kind: 'console-login',
          success: text(response, 'ConsoleLogin') !== 'Failure',
          mfaUsed: toBool(field(detail.additionalEventData, 'MFAUsed')),
        };
      }
      return { kind: 'generic' };
    case 'sts':
      if (name.startsWith('AssumeRole')) {
        return {
          kind: 'assume-role',
          roleArn: text(request, 'roleArn'),
          sessionName: text(request, 'roleSessionName'),
        };
      }
      return { kind: 'generic' };
    case 'organizations':
      return name === 'LeaveOrganization' ? { kind: 'leave-organization' } : { kind: 'generic' };
    default:
      return { kind: 'generic' };
  }
}

const INSTANCE_OPERATIONS: Readonly<Record<string, InstancesAction['operation']>> = {
  RunInstances: 'run',
  StartInstances: 'start',
  StopInstances: 'stop',
  RebootInstances: 'reboot',
  TerminateInstances: 'terminate',
};

function interpretEc2(name: string, request: unknown, response: unknown): Action {
  if (isSecurityGroupRuleEvent(name)) return { kind: 'sg-rules', change: readRuleChange(name, request) };
  const instanceOperation = INSTANCE_OPERATIONS[name];
  if (instanceOperation !== undefined) return readInstances(instanceOperation, request, response);
  switch (name) {
    case 'CreateSecurityGroup':
    case 'DeleteSecurityGroup':
      return {
        kind: 'security-group',
        operation: name === 'CreateSecurityGroup' ? 'create' : 'delete',
        groupId: text(response, 'groupId') ?? text(request, 'groupId'),
        groupName: text(request, 'groupName'),
        vpcId: text(request, 'vpcId'),
        description: text(request, 'groupDescription'),
      };
    case 'ModifyInstanceAttribute':
      return readInstanceAttribute(request);
    case 'CreateVpc':
    case 'DeleteVpc':
      return {
        kind: 'vpc',
        operation: name === 'CreateVpc' ? 'create' : 'delete',
        vpcId: text(field(response, 'vpc'), 'vpcId') ?? text(request, 'vpcId'),
        cidr: text(request, 'cidrBlock'),
      };
    case 'CreateRoute':
    case 'ReplaceRoute':
    case 'DeleteRoute':
      return {
        kind: 'route',
        operation: name === 'CreateRoute' ? 'create' : name === 'ReplaceRoute' ? 'replace' : 'delete',
        routeTableId: text(request, 'routeTableId'),
        destination:
          text(request, 'destinationCidrBlock') ??
          text(request, 'destinationIpv6CidrBlock') ??
          text(request, 'destinationPrefixListId'),
        target: routeTarget(request),
      };
    case 'CreateRouteTable':
    case 'DeleteRouteTable':
    case 'AssociateRouteTable':
    case 'DisassociateRouteTable':
    case 'ReplaceRouteTableAssociation':
      return readRouteTable(name, request, response);
    default:
      return readGateway(name, request, response) ?? { kind: 'generic' };
  }
}

function readInstances(
  operation: InstancesAction['operation'],
  request: unknown,
  response: unknown,
): InstancesAction {
  const responded = items(field(response, 'instancesSet'));
  const requested = items(field(request, 'instancesSet'));
  const instanceIds = unique([
    ...strings(field(request, 'instancesSet'), 'instanceId'),
    ...responded.map((instance) => text(instance, 'instanceId')).filter((id): id is string => id !== null),
  ]);
  const transitions = responded
    .map((instance) => ({
      instanceId: text(instance, 'instanceId') ?? '',
      from: text(field(instance, 'previousState'), 'name'),
      to: text(field(instance, 'currentState'), 'name'),
    }))
    .filter(
      (transition) => transition.instanceId !== '' && (transition.from !== null || transition.to !== null),
    );
  const instanceTypes = unique(
    [text(request, 'instanceType'), ...responded.map((instance) => text(instance, 'instanceType'))].filter(
      (type): type is string => type !== null,
    ),
  );
  const first = requested[0];
  const template = field(request, 'launchTemplate');
  const templateId = text(template, 'launchTemplateId') ?? text(template, 'launchTemplateName');
  const templateVersion = text(template, 'version');
  const interfaces = items(field(request, 'networkInterfaceSet'));
  return {
    kind: 'instances',
    operation,
    instanceIds,
    instanceTypes,
    requested: operation === 'run' ? { min: num(first, 'minCount'), max: num(first, 'maxCount') } : null,
    imageIds: unique(
      requested.map((instance) => text(instance, 'imageId')).filter((id): id is string => id !== null),
    ),
    keyName: requested.map((instance) => text(instance, 'keyName')).find((key) => key !== null) ?? null,
    subnetId: text(request, 'subnetId'),
    securityGroups: unique([
      ...strings(field(request, 'groupSet'), 'groupId'),
      ...interfaces.flatMap((networkInterface) => strings(field(networkInterface, 'groupSet'), 'groupId')),
    ]),
    launchTemplate:
      templateId === null
        ? null
        : templateVersion === null
          ? templateId
          : `${templateId} version ${templateVersion}`,
    instanceProfile:
      text(field(request, 'iamInstanceProfile'), 'name') ?? text(field(request, 'iamInstanceProfile'), 'arn'),
    userData: field(request, 'userData') !== undefined,
    publicIp: interfaces.some(
      (networkInterface) => bool(networkInterface, 'associatePublicIpAddress') === true,
    ),
    transitions,
    force: bool(request, 'force') === true,
  };
}

/**
 * ModifyInstanceAttribute takes either `{attribute, value}` or one attribute object such as
 * `instanceType: {value}` or `groupSet: {items}`. User data is always redacted by CloudTrail.
 */
function readInstanceAttribute(request: unknown): Action {
  const instanceId = text(request, 'instanceId');
  const named = text(request, 'attribute');
  if (named !== null)
    return { kind: 'instance-attribute', instanceId, attribute: named, value: text(request, 'value') };
  if (!isRecord(request))
    return { kind: 'instance-attribute', instanceId, attribute: 'unknown', value: null };
  for (const [attribute, value] of Object.entries(request)) {
    if (attribute === 'instanceId') continue;
    if (attribute === 'groupSet') {
      return {
        kind: 'instance-attribute',
        instanceId,
        attribute,
        value: strings(value, 'groupId').join(', ') || null,
      };
    }
    const scalar = isRecord(value) ? value.value : value;
    const shown = typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean';
    return { kind: 'instance-attribute', instanceId, attribute, value: shown ? String(scalar) : null };
  }
  return { kind: 'instance-attribute', instanceId, attribute: 'unknown', value: null };
}

const ROUTE_TARGET_KEYS: ReadonlyArray<readonly [key: string, type: string]> = [
  ['gatewayId', 'gateway'],
  ['natGatewayId', 'NAT gateway'],
  ['egressOnlyInternetGatewayId', 'egress-only internet gateway'],
  ['transitGatewayId', 'transit gateway'],
  ['vpcPeeringConnectionId', 'peering connection'],
  ['networkInterfaceId', 'network interface'],
  ['instanceId', 'instance'],
  ['vpcEndpointId', 'VPC endpoint'],
  ['localGatewayId', 'local gateway'],
  ['carrierGatewayId', 'carrier gateway'],
  ['coreNetworkArn', 'core network'],
];

function routeTarget(request: unknown): RouteTarget | null {
  for (const [key, type] of ROUTE_TARGET_KEYS) {
    const id = text(request, key);
    if (id === null) continue;
    if (key === 'gatewayId') {
      if (id.startsWith('igw-')) return { type: 'internet gateway', id };
      if (id.startsWith('vgw-')) return { type: 'VPN gateway', id };
    }
    return { type, id };
  }
  return null;
}

type RouteTableOperation = Extract<Action, { kind: 'route-table' }>['operation'];

const ROUTE_TABLE_OPERATIONS: Readonly<Record<string, RouteTableOperation>> = {
  CreateRouteTable: 'create',
  DeleteRouteTable: 'delete',
  AssociateRouteTable: 'associate',
  DisassociateRouteTable: 'disassociate',
  ReplaceRouteTableAssociation: 'replace-association',
};

function readRouteTable(name: string, request: unknown, response: unknown): Action {
  const table = field(response, 'routeTable');
  const routes = items(field(table, 'routeSet')).map((route) => {
    const destination = text(route, 'destinationCidrBlock') ?? text(route, 'destinationIpv6CidrBlock') ?? '?';
    const target = routeTarget(route) ?? { type: 'target', id: text(route, 'gatewayId') ?? '?' };
    return `${destination} → ${target.id}`;
  });
  const operation = ROUTE_TABLE_OPERATIONS[name] ?? 'create';
  return {
    kind: 'route-table',
    operation,
    routeTableId: text(table, 'routeTableId') ?? text(request, 'routeTableId'),
    vpcId: text(request, 'vpcId') ?? text(table, 'vpcId'),
    associatedWith: text(request, 'subnetId') ?? text(request, 'gatewayId'),
    associationId:
      text(request, 'associationId') ?? text(response, 'associationId') ?? text(response, 'newAssociationId'),
    routes,
  };
}

function readGateway(name: string, request: unknown, response: unknown): Action | null {
  const match = /^(Create|Delete|Attach|Detach)(InternetGateway|NatGateway|EgressOnlyInternetGateway)$/.exec(
    name,
  );
  if (match === null) return null;
  const operation = (match[1] ?? 'Create').toLowerCase() as 'create' | 'delete' | 'attach' | 'detach';
  const kind = match[2];
  if (kind === 'NatGateway') {
    return {
      kind: 'gateway',
      gateway: 'NAT gateway',
      operation,
      gatewayId: text(field(response, 'natGateway'), 'natGatewayId') ?? text(request, 'natGatewayId'),
      vpcId: text(field(response, 'natGateway'), 'vpcId'),
      subnetId: text(request, 'subnetId'),
    };
  }
  if (kind === 'EgressOnlyInternetGateway') {
    const created = field(response, 'egressOnlyInternetGateway');
    return {
      kind: 'gateway',
      gateway: 'egress-only internet gateway',
      operation,
      gatewayId: text(created, 'egressOnlyInternetGatewayId') ?? text(request, 'egressOnlyInternetGatewayId'),
      vpcId: text(request, 'vpcId'),
      subnetId: null,
    };
  }
  return {
    kind: 'gateway',
    gateway: 'internet gateway',
    operation,
    gatewayId:
      text(field(response, 'internetGateway'), 'internetGatewayId') ?? text(request, 'internetGatewayId'),
    vpcId: text(request, 'vpcId'),
    subnetId: null,
  };
}

const PUBLIC_GROUPS: ReadonlyArray<readonly [suffix: string, group: 'AllUsers' | 'AuthenticatedUsers']> = [
  ['/global/AllUsers', 'AllUsers'],
  ['/global/AuthenticatedUsers', 'AuthenticatedUsers'],
];

/** Canned ACLs that grant to a public group. */
export const PUBLIC_CANNED_ACLS: Readonly<Record<string, 'AllUsers' | 'AuthenticatedUsers'>> = {
  'public-read': 'AllUsers',
  'public-read-write': 'AllUsers',
  'authenticated-read': 'AuthenticatedUsers',
};

const GRANT_HEADERS: Readonly<Record<string, string>> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

function interpretS3(name: string, request: unknown): Action {
  const bucket = text(request, 'bucketName');
  switch (name) {
    case 'PutBucketPolicy':
      return {
        kind: 'bucket-policy',
        operation: 'put',
        bucket,
        policy: parsePolicyDocument(field(request, 'bucketPolicy')),
      };
    case 'DeleteBucketPolicy':
      return { kind: 'bucket-policy', operation: 'delete', bucket, policy: null };
    case 'PutBucketAcl':
      return {
        kind: 'bucket-acl',
        bucket,
        cannedAcl: firstString(field(request, 'x-amz-acl')),
        grants: readAclGrants(request),
      };
    // Account-level settings are S3 Control calls; CloudTrail has logged them under both names.
    case 'PutBucketPublicAccessBlock':
    case 'PutAccountPublicAccessBlock':
    case 'PutPublicAccessBlock':
      return {
        kind: 'public-access-block',
        operation: 'put',
        scope: name === 'PutBucketPublicAccessBlock' ? 'bucket' : 'account',
        bucket,
        flags: readPublicAccessBlock(field(request, 'PublicAccessBlockConfiguration')),
      };
    case 'DeleteBucketPublicAccessBlock':
    case 'DeleteAccountPublicAccessBlock':
    case 'DeletePublicAccessBlock':
      return {
        kind: 'public-access-block',
        operation: 'delete',
        scope: name === 'DeleteBucketPublicAccessBlock' ? 'bucket' : 'account',
        bucket,
        flags: null,
      };
    default:
      return { kind: 'generic' };
  }
}

/** CloudTrail records S3 headers as arrays of strings (`"x-amz-acl": ["private"]`) or as plain strings. */
function firstString(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string' && v !== '') ?? null;
  return null;
}

function readAclGrants(request: unknown): AclGrant[] {
  const grants: AclGrant[] = [];
  const list = field(field(field(request, 'AccessControlPolicy'), 'AccessControlList'), 'Grant');
  for (const grant of items(list)) {
    const grantee = field(grant, 'Grantee');
    const uri = text(grantee, 'URI');
    const who =
      uri ??
      text(grantee, 'DisplayName') ??
      text(grantee, 'EmailAddress') ??
      text(grantee, 'ID') ??
      'unknown grantee';
    grants.push({
      grantee: who,
      permission: text(grant, 'Permission') ?? '?',
      publicGroup: publicGroupOf(uri ?? ''),
    });
  }
  for (const [header, permission] of Object.entries(GRANT_HEADERS)) {
    const value = field(request, header);
    const values = Array.isArray(value) ? value : [value];
    for (const entry of values) {
      if (typeof entry !== 'string' || entry === '') continue;
      // x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers", id="…"
      for (const grantee of entry.split(',')) {
        const trimmed = grantee.trim();
        if (trimmed === '') continue;
        grants.push({ grantee: trimmed, permission, publicGroup: publicGroupOf(trimmed) });
      }
    }
  }
  return grants;
}

function publicGroupOf(grantee: string): AclGrant['publicGroup'] {
  for (const [suffix, group] of PUBLIC_GROUPS) if (grantee.replace(/"$/, '').endsWith(suffix)) return group;
  return null;
}

function readPublicAccessBlock(
  configuration: unknown,
): Partial<Record<PublicAccessBlockFlag, boolean>> | null {
  if (!isRecord(configuration)) return null;
  const flags: Partial<Record<PublicAccessBlockFlag, boolean>> = {};
  let found = false;
  for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
    const value = bool(configuration, flag);
    if (value !== null) {
      flags[flag] = value;
      found = true;
    }
  }
  return found ? flags : null;
}

const IAM_PRINCIPAL_BY_SUFFIX: Readonly<Record<string, IamPrincipal['kind']>> = {
  User: 'user',
  Role: 'role',
  Group: 'group',
};

function interpretIam(name: string, request: unknown, response: unknown): Action {
  const attachment = /^(Attach|Detach)(User|Role|Group)Policy$/.exec(name);
  if (attachment !== null) {
    const kind = IAM_PRINCIPAL_BY_SUFFIX[attachment[2] ?? 'User'] ?? 'user';
    return {
      kind: 'policy-attachment',
      operation: attachment[1] === 'Attach' ? 'attach' : 'detach',
      principal: { kind, name: text(request, `${kind}Name`) },
      policyArn: text(request, 'policyArn'),
    };
  }
  const inline = /^(Put|Delete)(User|Role|Group)Policy$/.exec(name);
  if (inline !== null) {
    const kind = IAM_PRINCIPAL_BY_SUFFIX[inline[2] ?? 'User'] ?? 'user';
    return {
      kind: 'inline-policy',
      operation: inline[1] === 'Put' ? 'put' : 'delete',
      principal: { kind, name: text(request, `${kind}Name`) },
      policyName: text(request, 'policyName'),
      policy: inline[1] === 'Put' ? parsePolicyDocument(field(request, 'policyDocument')) : null,
    };
  }
  switch (name) {
    case 'CreatePolicy':
    case 'CreatePolicyVersion':
      return {
        kind: 'managed-policy',
        operation: name === 'CreatePolicy' ? 'create' : 'create-version',
        policy: text(request, 'policyArn') ?? text(request, 'policyName'),
        document: parsePolicyDocument(field(request, 'policyDocument')),
        // A new policy is its own default version; a new version only takes effect with setAsDefault.
        setAsDefault: name === 'CreatePolicy' || bool(request, 'setAsDefault') === true,
      };
    case 'CreateRole':
    case 'UpdateAssumeRolePolicy': {
      const document = field(request, name === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument');
      return {
        kind: 'trust-policy',
        operation: name === 'CreateRole' ? 'create-role' : 'update',
        roleName: text(request, 'roleName') ?? text(field(response, 'role'), 'roleName'),
        policy: parsePolicyDocument(document),
        permissionsBoundary: text(request, 'permissionsBoundary'),
      };
    }
    case 'CreateUser':
    case 'DeleteUser':
      return {
        kind: 'iam-user',
        operation: name === 'CreateUser' ? 'create' : 'delete',
        userName: text(request, 'userName') ?? text(field(response, 'user'), 'userName'),
      };
    case 'CreateAccessKey':
    case 'DeleteAccessKey':
    case 'UpdateAccessKey': {
      const key = field(response, 'accessKey');
      return {
        kind: 'access-key',
        operation: name === 'CreateAccessKey' ? 'create' : name === 'DeleteAccessKey' ? 'delete' : 'update',
        userName: text(request, 'userName') ?? text(key, 'userName'),
        accessKeyId: text(key, 'accessKeyId') ?? text(request, 'accessKeyId'),
        status: text(key, 'status') ?? text(request, 'status'),
      };
    }
    default:
      return { kind: 'generic' };
  }
}

const TRAIL_OPERATIONS: Readonly<Record<string, TrailOperation>> = {
  StopLogging: 'stop-logging',
  StartLogging: 'start-logging',
  DeleteTrail: 'delete',
  UpdateTrail: 'update',
  CreateTrail: 'create',
  PutEventSelectors: 'event-selectors',
  PutInsightSelectors: 'insight-selectors',
};

const TRAIL_SETTINGS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['s3BucketName', 'S3 bucket'],
  ['s3KeyPrefix', 'S3 key prefix'],
  ['isMultiRegionTrail', 'All regions'],
  ['includeGlobalServiceEvents', 'Global service events'],
  ['isOrganizationTrail', 'Organization trail'],
  ['enableLogFileValidation', 'Log file validation'],
  ['kmsKeyId', 'KMS key'],
  ['cloudWatchLogsLogGroupArn', 'CloudWatch Logs group'],
  ['snsTopicName', 'SNS topic'],
];

/** Turning these trail settings off makes the trail record less or makes tampering undetectable. */
const WEAKENING_WHEN_FALSE: Readonly<Record<string, string>> = {
  isMultiRegionTrail: 'the trail no longer records every region',
  includeGlobalServiceEvents: 'the trail no longer records global services (IAM, STS, sign-in)',
  enableLogFileValidation: 'log file integrity validation is turned off',
};

function interpretCloudTrail(name: string, request: unknown): Action {
  const operation = TRAIL_OPERATIONS[name];
  if (operation === undefined) return { kind: 'generic' };
  const trail = text(request, 'name') ?? text(request, 'trailName');
  const settings: Array<{ label: string; value: string }> = [];
  const weakening: string[] = [];
  if (operation === 'update' || operation === 'create') {
    for (const [key, label] of TRAIL_SETTINGS) {
      const value = field(request, key);
      if (typeof value !== 'string' && typeof value !== 'boolean') continue;
      settings.push({ label, value: String(value) });
      const weakened = WEAKENING_WHEN_FALSE[key];
      if (weakened !== undefined && operation === 'update' && toBool(value) === false)
        weakening.push(weakened);
    }
  }
  if (operation === 'event-selectors') {
    for (const selector of items(field(request, 'eventSelectors'))) {
      const readWrite = text(selector, 'readWriteType');
      const management = bool(selector, 'includeManagementEvents');
      settings.push({
        label: 'Event selector',
        value: `readWriteType ${readWrite ?? 'All'}, management events ${management === false ? 'excluded' : 'included'}`,
      });
      if (management === false) weakening.push('management events are no longer recorded');
      if (readWrite === 'ReadOnly') weakening.push('write (mutating) events are no longer recorded');
    }
    const advanced = items(field(request, 'advancedEventSelectors'));
    if (advanced.length > 0) {
      settings.push({
        label: 'Advanced event selectors',
        value: `${advanced.length} selector(s) replace the previous ones`,
      });
    }
  }
  return { kind: 'trail', operation, trail, settings, weakening: unique(weakening) };
}

/** `example-trail` for `arn:aws:cloudtrail:us-west-2:1:trail/example-trail`. */
export function trailDisplayName(trail: string): string {
  return trail.startsWith('arn:') ? arnName(trail) : trail;
}
