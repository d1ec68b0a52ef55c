import type { ResourceRef } from '../model/change';

/**
 * Links into the AWS console. Console URLs are not a documented API; the formats below are the ones the console
 * itself uses for its detail pages (EC2/VPC `#<Page>:<key>=<id>` fragments, IAM `#/<kind>/details/<name>`,
 * CloudTrail `#/events/<eventId>` and `#/trails/<trail ARN>`). Every id is URL-encoded. A region or account that
 * does not look like one (anonymised samples such as `megov-westwest-1r`) gives no link rather than a wrong host.
 */

// encodeURIComponent throws (URIError) on a lone surrogate, which JSON lets an event carry (`"\ud800"`): one
// bad id must not stop the alert from being rendered, so it is encoded as U+FFFD (the page simply finds nothing).
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const encodeId = (id: string) => encodeURIComponent(id.replace(LONE_SURROGATES, '\uFFFD'));

/** AWS partitions with a public console. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

/** The partition of a region, or null for a malformed region or an isolated partition without a public console. */
export function partitionOf(region: string): Partition | null {
  if (!REGION.test(region) || /-iso[a-z]?-/.test(region)) return null;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const CONSOLE_DOMAIN: Readonly<Record<Partition, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** `https://us-east-1.console.aws.amazon.com`: the console for one region. */
function regionalOrigin(region: string): string | null {
  const partition = partitionOf(region);
  return partition === null ? null : `https://${region}.${CONSOLE_DOMAIN[partition]}`;
}

/** `https://console.aws.amazon.com`: where IAM lives (a global service, no region in the URL). */
function globalOrigin(partition: Partition): string {
  return `https://${CONSOLE_DOMAIN[partition]}`;
}

/** The CloudTrail event history page of one event, in the region where the call was recorded. */
export function cloudTrailEventUrl(region: string, eventId: string): string | null {
  const origin = regionalOrigin(region);
  if (origin === null || eventId === '') return null;
  return `${origin}/cloudtrailv2/home?region=${region}#/events/${encodeId(eventId)}`;
}

/** Where a resource was touched: the event's region and account. */
export interface ResourceContext {
  region: string;
  account: string;
}

type UrlBuilder = (id: string, context: ResourceContext, partition: Partition) => string | null;

/** EC2 and VPC console detail pages, keyed by {@link ResourceRef.type}: [console app, fragment before the id]. */
const EC2_PAGES: Readonly<Record<string, readonly [app: 'ec2' | 'vpcconsole', fragment: string]>> = {
  'security-group': ['ec2', 'SecurityGroup:securityGroupId='],
  instance: ['ec2', 'InstanceDetails:instanceId='],
  'launch-template': ['ec2', 'LaunchTemplates:search='],
  vpc: ['vpcconsole', 'VpcDetails:VpcId='],
  subnet: ['vpcconsole', 'SubnetDetails:subnetId='],
  'route-table': ['vpcconsole', 'RouteTableDetails:RouteTableId='],
  'internet-gateway': ['vpcconsole', 'InternetGateway:internetGatewayId='],
  'egress-only-internet-gateway': ['vpcconsole', 'EgressOnlyInternetGateways:search='],
  'nat-gateway': ['vpcconsole', 'NatGatewayDetails:natGatewayId='],
  'network-acl': ['vpcconsole', 'NetworkAclDetails:networkAclId='],
  'vpc-peering-connection': ['vpcconsole', 'PeeringConnectionDetails:VpcPeeringConnectionId='],
  'vpc-endpoint': ['vpcconsole', 'EndpointDetails:vpcEndpointId='],
  'transit-gateway': ['vpcconsole', 'TransitGatewayDetails:transitGatewayId='],
  'vpn-gateway': ['vpcconsole', 'VpnGateways:VpnGatewayId='],
};

/** The last path segment of an IAM ARN (`arn:aws:iam::1:role/path/Name` → `Name`), or the text itself. */
function iamName(id: string): string {
  if (!id.startsWith('arn:')) return id;
  const resource = id.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1);
}

const iamPage =
  (kind: 'users' | 'roles' | 'groups'): UrlBuilder =>
  (id, _context, partition) => {
    const name = iamName(id);
    return name === '' ? null : `${globalOrigin(partition)}/iam/home#/${kind}/details/${encodeId(name)}`;
  };

const BUILDERS: Readonly<Record<string, UrlBuilder>> = {
  'iam-user': iamPage('users'),
  'iam-role': iamPage('roles'),
  'iam-group': iamPage('groups'),
  // The policy page is addressed by ARN. A bare name (CreatePolicy) is a customer-managed policy of the account;
  // its path is not known here, so the link assumes the default path `/`.
  'iam-policy': (id, { account }, partition) => {
    let arn = id;
    if (!id.startsWith('arn:')) {
      if (!ACCOUNT.test(account)) return null;
      arn = `arn:${partition}:iam::${account}:policy/${id}`;
    }
    return `${globalOrigin(partition)}/iam/home#/policies/details/${encodeId(arn)}`;
  },
  // The S3 console has its own host in the commercial partition; the bucket page needs no region.
  bucket: (id, { region }, partition) => {
    const origin = partition === 'aws' ? 'https://s3.console.aws.amazon.com' : globalOrigin(partition);
    return `${origin}/s3/buckets/${encodeId(id)}?region=${region}`;
  },
  // Trail pages are addressed by ARN and live in the trail's home region (the region in its ARN).
  trail: (id, { region, account }, partition) => {
    let arn = id;
    let home = region;
    if (id.startsWith('arn:')) {
      home = id.split(':')[3] ?? '';
    } else {
      if (!ACCOUNT.test(account)) return null;
      arn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${id}`;
    }
    const origin = regionalOrigin(home);
    return origin === null ? null : `${origin}/cloudtrailv2/home?region=${home}#/trails/${encodeId(arn)}`;
  },
};

/**
 * The console page of a resource, or null when InfraWatch knows no page for its type (access keys, inline
 * policies, security-group rules) or the region is not usable in a URL.
 */
export function resourceConsoleUrl(resource: ResourceRef, context: ResourceContext): string | null {
  const partition = partitionOf(context.region);
  if (partition === null || resource.id === '') return null;
  const ec2 = EC2_PAGES[resource.type];
  if (ec2 !== undefined) {
    const [app, fragment] = ec2;
    const origin = regionalOrigin(context.region);
    return `${origin}/${app}/home?region=${context.region}#${fragment}${encodeId(resource.id)}`;
  }
  return BUILDERS[resource.type]?.(resource.id, context, partition) ?? null;
}

/** Resource types as a reader would say them (`security-group` → `security group`, `iam-role` → `IAM role`). */
export function resourceTypeLabel(type: string): string {
  const label = type.replace(/-/g, ' ');
  return label
    .replace(/^iam\b/, 'IAM')
    .replace(/\bvpc\b/, 'VPC')
    .replace(/\bnat\b/, 'NAT');
}

/** An IAM Identity Center access portal and the permission set its shortcut links sign in with. */
export interface ConsoleAccess {
  /** The AWS access portal URL, e.g. `https://d-1234567890.awsapps.com/start`. */
  portalUrl: string;
  /** The permission set (role name) to open the account with, e.g. `ReadOnly`. */
  roleName: string;
}

/**
 * The console URL as an access-portal shortcut link into `account`, so it opens in that account whatever account
 * the browser is signed in to: `<portal>/#/console?account_id=<id>&role_name=<role>&destination=<encoded URL>`
 * (AWS IAM Identity Center User Guide, "Create shortcut links to AWS Management Console destinations",
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/createshortcutlink.html). Without `access` the URL is
 * returned unchanged. With it, an account that is not a 12-digit id gives no link: a plain console link would open
 * whichever account the browser happens to be in, which is what this setting exists to prevent.
 */
export function viaAccessPortal(
  url: string | null,
  account: string,
  access: ConsoleAccess | undefined,
): string | null {
  if (url === null || access === undefined) return url;
  if (!ACCOUNT.test(account)) return null;
  const portal = access.portalUrl.replace(/\/+$/, '');
  const role = encodeId(access.roleName);
  return `${portal}/#/console?account_id=${account}&role_name=${role}&destination=${encodeId(url)}`;
}
