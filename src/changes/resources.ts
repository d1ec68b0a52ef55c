import type { CloudTrailDetail } from '../events/cloudtrail';
import type { ResourceRef } from '../model/change';
import { isRecord } from './read';

/**
 * EC2 ids are recognised by key AND id prefix, in every service's parameters: `gatewayId` may hold `local` or a
 * virtual private gateway, and other services reuse names such as `groupId` for their own ids.
 */
const EC2_IDS: ReadonlyArray<readonly [key: string, prefix: string, type: string]> = [
  ['groupId', 'sg-', 'security-group'],
  ['securityGroupRuleId', 'sgr-', 'security-group-rule'],
  ['instanceId', 'i-', 'instance'],
  ['vpcId', 'vpc-', 'vpc'],
  ['subnetId', 'subnet-', 'subnet'],
  ['routeTableId', 'rtb-', 'route-table'],
  ['internetGatewayId', 'igw-', 'internet-gateway'],
  ['gatewayId', 'igw-', 'internet-gateway'],
  ['gatewayId', 'vgw-', 'vpn-gateway'],
  ['natGatewayId', 'nat-', 'nat-gateway'],
  ['egressOnlyInternetGatewayId', 'eigw-', 'egress-only-internet-gateway'],
  ['networkAclId', 'acl-', 'network-acl'],
  ['vpcPeeringConnectionId', 'pcx-', 'vpc-peering-connection'],
  ['transitGatewayId', 'tgw-', 'transit-gateway'],
  ['vpcEndpointId', 'vpce-', 'vpc-endpoint'],
  ['launchTemplateId', 'lt-', 'launch-template'],
];

const EC2_BY_KEY = new Map<string, Array<readonly [prefix: string, type: string]>>();
for (const [key, prefix, type] of EC2_IDS) {
  const entries = EC2_BY_KEY.get(key) ?? [];
  entries.push([prefix, type]);
  EC2_BY_KEY.set(key, entries);
}

/** Keys whose meaning depends on the service (an IAM `userName` is an IAM user; elsewhere it may be anything). */
const SERVICE_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  iam: {
    userName: 'iam-user',
    roleName: 'iam-role',
    groupName: 'iam-group',
    policyArn: 'iam-policy',
    permissionsBoundary: 'iam-policy',
    permissionsBoundaryArn: 'iam-policy',
    policyName: 'iam-inline-policy',
    instanceProfileName: 'iam-instance-profile',
    // Access key ids only: CloudTrail never logs secret keys, and `secretAccessKey` is not a key we read.
    accessKeyId: 'access-key',
    openIDConnectProviderArn: 'iam-identity-provider',
    sAMLProviderArn: 'iam-identity-provider',
  },
  sts: { roleArn: 'iam-role' },
  s3: { bucketName: 'bucket' },
  cloudtrail: { name: 'trail', trailName: 'trail' },
};

/**
 * Subtrees that name other things than what the call touched: security groups referenced as a rule's source
 * (`groups`), and the temporary credentials STS hands out (`credentials`).
 */
const SKIPPED_KEYS = new Set(['groups', 'credentials', 'tagSet', 'tagSpecificationSet', 'tags']);

const MAX_RESOURCES = 100;
const MAX_ID_LENGTH = 2048;
// Bounds the walk over huge responses (a RunInstances of hundreds of instances) to keep describeChange cheap.
const MAX_NODES = 20_000;
const MAX_DEPTH = 12;

function isUpperCase(key: string): boolean {
  const code = key.charCodeAt(0);
  return code >= 65 && code <= 90;
}

function lowerFirst(key: string): string {
  return `${key.charAt(0).toLowerCase()}${key.slice(1)}`;
}

export interface ExtractedResources {
  resources: ResourceRef[];
  /** How many distinct resources were found before the list was capped. */
  total: number;
}

/**
 * Every resource the call touched, from `requestParameters` then `responseElements` (new ids such as a created
 * security group only appear in the response). Deduplicated, in first-seen order, capped at 100.
 */
export function extractResources(detail: CloudTrailDetail, service: string): ExtractedResources {
  const resources: ResourceRef[] = [];
  // The types recorded for each id. Keyed by the id as CloudTrail wrote it: a key built per candidate
  // (type + id) had to be hashed anew every time, and the walk meets every id of big responses.
  const recorded = new Map<string, unknown[]>();
  let total = 0;
  let serviceKeys = SERVICE_KEYS[service] ?? {};
  // CreatePolicy names a managed policy, not an inline one.
  if (service === 'iam' && detail.eventName === 'CreatePolicy')
    serviceKeys = { ...serviceKeys, policyName: 'iam-policy' };
  const add = (type: string, id: string): void => {
    if (id === '' || id.length > MAX_ID_LENGTH) return;
    const types = recorded.get(id);
    if (types?.includes(type)) return;
    total += 1;
    // Past the cap nothing is recorded, so a repeat of an unlisted resource counts again (as it always has).
    if (resources.length >= MAX_RESOURCES) return;
    if (types === undefined) recorded.set(id, [type]);
    else types.push(type);
    resources.push({ type, id });
  };

  let budget = MAX_NODES;
  const walk = (value: unknown, depth: number): void => {
    if (budget <= 0 || depth > MAX_DEPTH) return;
    budget -= 1;
    if (Array.isArray(value)) {
      for (const element of value) walk(element, depth + 1);
      return;
    }
    if (!isRecord(value)) return;
    for (const key in value) {
      const child = value[key];
      if (typeof child === 'string') {
        const serviceType = serviceKeys[key];
        if (serviceType !== undefined) add(serviceType, child);
        // ModifySecurityGroupRules records PascalCase keys (GroupId); only those pay for the lower-casing.
        const ec2 = EC2_BY_KEY.get(key) ?? (isUpperCase(key) ? EC2_BY_KEY.get(lowerFirst(key)) : undefined);
        if (ec2 !== undefined) {
          for (const [prefix, type] of ec2) if (child.startsWith(prefix)) add(type, child);
        }
      } else if (child !== null && typeof child === 'object' && !SKIPPED_KEYS.has(key)) {
        walk(child, depth + 1);
      }
    }
  };
  walk(detail.requestParameters, 0);
  walk(detail.responseElements, 0);
  return { resources, total };
}
