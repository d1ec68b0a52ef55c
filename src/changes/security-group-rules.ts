import { publicReach, reachSize } from './address-space';
import { field, isRecord, items, num, text } from './read';

/** What a security-group rule lets through: a CIDR, another security group or a managed prefix list. */
export interface RulePeer {
  kind: 'ipv4' | 'ipv6' | 'security-group' | 'prefix-list';
  value: string;
  /** Owner of a referenced security group, when CloudTrail names it. */
  account?: string;
  description?: string;
}

export interface SecurityGroupRule {
  /** The rule id, when the call names the rule it changes (ModifySecurityGroupRules). */
  ruleId?: string;
  /** `tcp`, `udp`, `icmp`, `icmpv6`, `all` (protocol -1) or the protocol number as given. */
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  peers: RulePeer[];
}

export type RuleDirection = 'ingress' | 'egress' | 'unknown';

/** The rules one Authorize/Revoke/Modify call touched. */
export interface SecurityGroupRuleChange {
  operation: 'authorize' | 'revoke' | 'modify' | 'describe';
  /** `unknown` for ModifySecurityGroupRules: CloudTrail records only the rule id, not its direction. */
  direction: RuleDirection;
  groupId: string | null;
  rules: SecurityGroupRule[];
  /** Rules named only by id (revoke by id, ModifySecurityGroupRules). */
  ruleIds: string[];
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
  '58': 'icmpv6',
  icmpv6: 'icmpv6',
};

/**
 * Admin and database ports that must never face the internet. Scanners find these within minutes; the list
 * follows the CIS AWS Foundations benchmark (22, 3389) and the database/remote-admin ports cloud security
 * tools flag as "unrestricted access to high-risk ports".
 */
export const SENSITIVE_TCP_PORTS: ReadonlyMap<number, string> = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [23, 'Telnet'],
  [135, 'MS RPC'],
  [139, 'NetBIOS'],
  [445, 'SMB'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [2375, 'Docker API'],
  [2376, 'Docker API (TLS)'],
  [3306, 'MySQL'],
  [3389, 'RDP'],
  [5432, 'PostgreSQL'],
  [5900, 'VNC'],
  [5984, 'CouchDB'],
  [6379, 'Redis'],
  [9200, 'Elasticsearch'],
  [11211, 'Memcached'],
  [27017, 'MongoDB'],
]);

/** The same services that also listen on UDP (RDP's UDP transport, NetBIOS/RPC, Memcached amplification). */
export const SENSITIVE_UDP_PORTS: ReadonlyMap<number, string> = new Map([
  [135, 'MS RPC'],
  [139, 'NetBIOS'],
  [3389, 'RDP'],
  [11211, 'Memcached'],
]);

const INGRESS_EVENTS: Readonly<Record<string, SecurityGroupRuleChange['operation']>> = {
  AuthorizeSecurityGroupIngress: 'authorize',
  RevokeSecurityGroupIngress: 'revoke',
  UpdateSecurityGroupRuleDescriptionsIngress: 'describe',
};
const EGRESS_EVENTS: Readonly<Record<string, SecurityGroupRuleChange['operation']>> = {
  AuthorizeSecurityGroupEgress: 'authorize',
  RevokeSecurityGroupEgress: 'revoke',
  UpdateSecurityGroupRuleDescriptionsEgress: 'describe',
};

/** The EC2 calls that change security-group rules (each read by {@link readRuleChange}). */
export const SECURITY_GROUP_RULE_EVENTS: readonly string[] = [
  ...Object.keys(INGRESS_EVENTS),
  ...Object.keys(EGRESS_EVENTS),
  'ModifySecurityGroupRules',
];

/**
 * Reads the rules of an Authorize/Revoke/UpdateDescriptions/Modify call. Both parameter shapes of
 * AuthorizeSecurityGroupIngress are handled: `ipPermissions.items[]` and the legacy flat
 * `cidrIp/ipProtocol/fromPort/toPort` (sent with an empty `ipPermissions: {}`).
 */
export function readRuleChange(eventName: string, request: unknown): SecurityGroupRuleChange {
  if (eventName === 'ModifySecurityGroupRules') return readModifyRules(request);
  const ingressOperation = INGRESS_EVENTS[eventName];
  const operation = ingressOperation ?? EGRESS_EVENTS[eventName] ?? 'authorize';
  const direction: RuleDirection = ingressOperation === undefined ? 'egress' : 'ingress';
  const rules = items(field(request, 'ipPermissions')).map(readPermission);
  const flat = readFlatPermission(request);
  if (flat !== null) rules.push(flat);
  const ruleIds = [
    ...stringList(field(request, 'securityGroupRuleIds')),
    ...stringList(field(request, 'SecurityGroupRuleId')),
  ];
  return {
    operation,
    direction,
    groupId: text(request, 'groupId') ?? text(request, 'groupName'),
    rules: rules.filter((rule) => rule.peers.length > 0 || rule.protocol !== ''),
    ruleIds,
  };
}

function readPermission(permission: unknown): SecurityGroupRule {
  const peers: RulePeer[] = [];
  for (const range of items(field(permission, 'ipRanges'))) {
    const cidr = text(range, 'cidrIp');
    if (cidr !== null) peers.push(withDescription({ kind: 'ipv4', value: cidr }, range));
  }
  for (const range of items(field(permission, 'ipv6Ranges'))) {
    const cidr = text(range, 'cidrIpv6');
    if (cidr !== null) peers.push(withDescription({ kind: 'ipv6', value: cidr }, range));
  }
  for (const pair of items(field(permission, 'groups'))) {
    const group = text(pair, 'groupId') ?? text(pair, 'groupName');
    if (group === null) continue;
    const peer: RulePeer = { kind: 'security-group', value: group };
    const account = text(pair, 'userId');
    if (account !== null) peer.account = account;
    peers.push(withDescription(peer, pair));
  }
  for (const list of items(field(permission, 'prefixListIds'))) {
    const id = text(list, 'prefixListId');
    if (id !== null) peers.push(withDescription({ kind: 'prefix-list', value: id }, list));
  }
  return {
    protocol: normaliseProtocol(field(permission, 'ipProtocol')),
    fromPort: num(permission, 'fromPort'),
    toPort: num(permission, 'toPort'),
    peers,
  };
}

function readFlatPermission(request: unknown): SecurityGroupRule | null {
  const cidr = text(request, 'cidrIp');
  const sourceGroup = text(request, 'sourceSecurityGroupName') ?? text(request, 'sourceSecurityGroupId');
  if (cidr === null && sourceGroup === null) return null;
  const peers: RulePeer[] = [];
  if (cidr !== null) peers.push({ kind: 'ipv4', value: cidr });
  if (sourceGroup !== null) {
    const peer: RulePeer = { kind: 'security-group', value: sourceGroup };
    const owner = text(request, 'sourceSecurityGroupOwnerId');
    if (owner !== null) peer.account = owner;
    peers.push(peer);
  }
  const protocol = field(request, 'ipProtocol');
  return {
    // EC2 treats a flat request without a protocol as all protocols.
    protocol: protocol === undefined ? 'all' : normaliseProtocol(protocol),
    fromPort: num(request, 'fromPort'),
    toPort: num(request, 'toPort'),
    peers,
  };
}

/**
 * ModifySecurityGroupRules is recorded with the query-API names in PascalCase inside a
 * `ModifySecurityGroupRulesRequest` wrapper; a camelCase spelling is read too in case CloudTrail normalises it.
 */
function readModifyRules(request: unknown): SecurityGroupRuleChange {
  const wrapped = field(request, 'ModifySecurityGroupRulesRequest') ?? request;
  const groupId = text(wrapped, 'GroupId') ?? text(wrapped, 'groupId');
  const rules: SecurityGroupRule[] = [];
  const ruleIds: string[] = [];
  const updates = [
    ...items(field(wrapped, 'SecurityGroupRule')),
    ...items(field(wrapped, 'securityGroupRules')),
  ];
  for (const update of updates) {
    const id = text(update, 'SecurityGroupRuleId') ?? text(update, 'securityGroupRuleId');
    if (id !== null) ruleIds.push(id);
    const rule = field(update, 'SecurityGroupRule') ?? field(update, 'securityGroupRule');
    if (!isRecord(rule)) continue;
    const read = readRuleRequest(rule);
    if (id !== null) read.ruleId = id;
    rules.push(read);
  }
  return { operation: 'modify', direction: 'unknown', groupId, rules, ruleIds };
}

function readRuleRequest(rule: Record<string, unknown>): SecurityGroupRule {
  const pick = (pascal: string, camel: string): string | null => text(rule, pascal) ?? text(rule, camel);
  const peers: RulePeer[] = [];
  const description = pick('Description', 'description');
  const add = (kind: RulePeer['kind'], value: string | null): void => {
    if (value === null) return;
    peers.push(description === null ? { kind, value } : { kind, value, description });
  };
  add('ipv4', pick('CidrIpv4', 'cidrIpv4'));
  add('ipv6', pick('CidrIpv6', 'cidrIpv6'));
  add('security-group', pick('ReferencedGroupId', 'referencedGroupId'));
  add('prefix-list', pick('PrefixListId', 'prefixListId'));
  return {
    protocol: normaliseProtocol(rule.IpProtocol ?? rule.ipProtocol),
    fromPort: num(rule, 'FromPort') ?? num(rule, 'fromPort'),
    toPort: num(rule, 'ToPort') ?? num(rule, 'toPort'),
    peers,
  };
}

function withDescription(peer: RulePeer, source: unknown): RulePeer {
  const description = text(source, 'description');
  if (description !== null) peer.description = description;
  return peer;
}

function stringList(value: unknown): string[] {
  const out: string[] = [];
  for (const element of items(value)) {
    if (typeof element === 'string' && element !== '') out.push(element);
    else {
      const id = text(element, 'securityGroupRuleId') ?? text(element, 'SecurityGroupRuleId');
      if (id !== null) out.push(id);
    }
  }
  if (typeof value === 'string' && value !== '') out.push(value);
  return out;
}

function normaliseProtocol(value: unknown): string {
  if (typeof value === 'number') return PROTOCOL_NAMES[String(value)] ?? String(value);
  if (typeof value !== 'string' || value === '') return '';
  return PROTOCOL_NAMES[value.toLowerCase()] ?? value;
}

/** `tcp/22`, `tcp/1024-2048`, `udp/53`, `icmp (all types)`, `all traffic`. */
export function formatPorts(rule: SecurityGroupRule): string {
  const { protocol, fromPort, toPort } = rule;
  if (protocol === 'all') return 'all traffic';
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    if (fromPort === null || fromPort === -1) return `${protocol} (all types)`;
    return toPort === null || toPort === -1
      ? `${protocol} type ${fromPort}`
      : `${protocol} type ${fromPort} code ${toPort}`;
  }
  const name = protocol === 'tcp' || protocol === 'udp' ? protocol : `protocol ${protocol || '?'}`;
  if (fromPort === null && toPort === null) return name;
  if (fromPort === null || toPort === null || fromPort === toPort) return `${name}/${fromPort ?? toPort}`;
  if ((fromPort === 0 || fromPort === -1) && (toPort === 65535 || toPort === -1)) return `${name}/0-65535`;
  return `${name}/${fromPort}-${toPort}`;
}

/** `sg-123 (account 111122223333)`, `10.0.0.0/8`, `pl-63a5400a`. */
export function formatPeer(peer: RulePeer): string {
  const owner = peer.account === undefined ? '' : ` (account ${peer.account})`;
  return `${peer.value}${owner}`;
}

/** One line per rule and peer: `+ tcp/22 from 0.0.0.0/0`, `- udp/53 to 10.0.0.0/8`, `+ all traffic from sg-1`. */
export function formatRuleLines(change: SecurityGroupRuleChange): string[] {
  const sign = { authorize: '+', revoke: '-', modify: '~', describe: '~' }[change.operation];
  const preposition = change.direction === 'egress' ? 'to' : 'from';
  const lines: string[] = [];
  for (const rule of change.rules) {
    // A modified rule keeps its id and direction; only its new content is recorded: `~ sgr-1: tcp/22 0.0.0.0/0`.
    const head =
      rule.ruleId === undefined
        ? `${sign} ${formatPorts(rule)}`
        : `${sign} ${rule.ruleId}: ${formatPorts(rule)}`;
    const joiner = rule.ruleId === undefined ? ` ${preposition} ` : ' ';
    if (rule.peers.length === 0) lines.push(head);
    for (const peer of rule.peers) {
      const description = peer.description === undefined ? '' : ` ("${peer.description}")`;
      lines.push(`${head}${joiner}${formatPeer(peer)}${description}`);
    }
  }
  const described = new Set(change.rules.map((rule) => rule.ruleId));
  for (const id of change.ruleIds) if (!described.has(id)) lines.push(`${sign} rule ${id}`);
  return lines;
}

/**
 * A CIDR that admits the internet for practical purposes: `0.0.0.0/0`, `::/0`, but also `0.0.0.0/1` or
 * `2000::/10` (more than a /8 of public IPv4 space or a /11 of IPv6, see address-space.ts); the host part is ignored, so `208.236.235.254/0` is every address.
 */
export function isInternetSized(peer: RulePeer): boolean {
  return reachSize(publicReach([peer])) === 'internet';
}

/** The admin/database ports a rule opens, by name; `null` when it opens every port. */
export function sensitivePortsOpened(
  rule: SecurityGroupRule,
): Array<{ port: number; service: string }> | null {
  if (rule.protocol === 'all') return null;
  const table =
    rule.protocol === 'tcp' ? SENSITIVE_TCP_PORTS : rule.protocol === 'udp' ? SENSITIVE_UDP_PORTS : undefined;
  if (table === undefined) return [];
  const from = rule.fromPort ?? rule.toPort;
  const to = rule.toPort ?? rule.fromPort;
  if (from === null || to === null || from === -1 || to === -1) return null;
  if (from <= 0 && to >= 65535) return null;
  const opened: Array<{ port: number; service: string }> = [];
  for (const [port, service] of table) if (port >= from && port <= to) opened.push({ port, service });
  return opened;
}
