import type { CloudTrailDetail } from '../../events/cloudtrail';
import { describeReach, type PublicReach, publicReach, reachSize } from '../address-space';
import { sentenceList, shortName, shortNames } from '../phrases';
import { field, items, listSome, plural, text, unique } from '../read';
import {
  formatPeer,
  formatPorts,
  formatRuleLines,
  isInternetSized,
  type RulePeer,
  readRuleChange,
  SECURITY_GROUP_RULE_EVENTS,
  SENSITIVE_TCP_PORTS,
  SENSITIVE_UDP_PORTS,
  type SecurityGroupRule,
  type SecurityGroupRuleChange,
  sensitivePortsOpened,
} from '../security-group-rules';
import { type ActionReader, type Finding, NO_FINDINGS, type ServiceModule } from '../service';

/** EC2 security groups: their creation and deletion, and every call that changes their rules. */
export type SecurityGroupAction =
  | { kind: 'sg-rules'; change: SecurityGroupRuleChange }
  | {
      kind: 'security-group';
      operation: 'create' | 'delete';
      groupId: string | null;
      groupName: string | null;
      vpcId: string | null;
      description: string | null;
    }
  | PrefixListAction;

/**
 * A customer-managed prefix list created or changed. Security-group rules may refer to one (`pl-…`) instead of
 * naming CIDRs, so adding `0.0.0.0/0` to a list opens every rule that uses it without touching any rule.
 */
interface PrefixListAction {
  kind: 'prefix-list';
  operation: 'create' | 'modify';
  prefixListId: string | null;
  name: string | null;
  added: RulePeer[];
  removed: string[];
}

type RulesAction = Extract<SecurityGroupAction, { kind: 'sg-rules' }>;
type GroupAction = Extract<SecurityGroupAction, { kind: 'security-group' }>;

const readRules: ActionReader<RulesAction> = (detail) => ({
  kind: 'sg-rules',
  change: readRuleChange(detail.eventName, detail.requestParameters),
});

function readGroup(detail: CloudTrailDetail): GroupAction {
  const request = detail.requestParameters;
  return {
    kind: 'security-group',
    operation: detail.eventName === 'CreateSecurityGroup' ? 'create' : 'delete',
    groupId: text(detail.responseElements, 'groupId') ?? text(request, 'groupId'),
    groupName: text(request, 'groupName'),
    vpcId: text(request, 'vpcId'),
    description: text(request, 'groupDescription'),
  };
}

/**
 * Create/ModifyManagedPrefixList as the EC2 query API names them (`PrefixListId`, `Entry.N.Cidr`,
 * `AddEntry.N.Cidr`, `RemoveEntry.N.Cidr`), inside the `…Request` wrapper newer EC2 calls are recorded with, or
 * camelCased: every spelling is read, as for ModifySecurityGroupRules.
 */
function readPrefixList(detail: CloudTrailDetail): PrefixListAction {
  const create = detail.eventName === 'CreateManagedPrefixList';
  const request = detail.requestParameters;
  const wrapped =
    field(request, create ? 'CreateManagedPrefixListRequest' : 'ModifyManagedPrefixListRequest') ?? request;
  const pick = (pascal: string) => text(wrapped, pascal) ?? text(wrapped, lowerFirst(pascal));
  const entries = (...names: string[]) =>
    names.flatMap((name) => [...items(field(wrapped, name)), ...items(field(wrapped, lowerFirst(name)))]);
  const cidrs = (list: unknown[]) =>
    list
      .map((entry) => text(entry, 'Cidr') ?? text(entry, 'cidr'))
      .filter((cidr): cidr is string => cidr !== null);
  const response =
    field(detail.responseElements, 'prefixList') ?? field(detail.responseElements, 'PrefixList');
  return {
    kind: 'prefix-list',
    operation: create ? 'create' : 'modify',
    prefixListId: pick('PrefixListId') ?? text(response, 'prefixListId'),
    name: pick('PrefixListName') ?? text(response, 'prefixListName'),
    added: cidrs(entries('Entry', 'Entries', 'AddEntry', 'AddEntries')).map((value) => ({
      kind: value.includes(':') ? 'ipv6' : 'ipv4',
      value,
    })),
    removed: cidrs(entries('RemoveEntry', 'RemoveEntries')),
  };
}

const lowerFirst = (name: string): string => `${name[0]?.toLowerCase() ?? ''}${name.slice(1)}`;

export const securityGroups: ServiceModule<SecurityGroupAction['kind']> = {
  source: 'ec2',
  readers: {
    ...Object.fromEntries(SECURITY_GROUP_RULE_EVENTS.map((name) => [name, readRules])),
    CreateSecurityGroup: readGroup,
    DeleteSecurityGroup: readGroup,
    CreateManagedPrefixList: readPrefixList,
    ModifyManagedPrefixList: readPrefixList,
  },
  actions: {
    'sg-rules': {
      phrase: (action) => ruleChangePhrase(action.change),
      target: (action) => (action.change.groupId === null ? '' : ` on ${shortName(action.change.groupId)}`),
      details(action, out) {
        out.add('Security group', action.change.groupId);
        out.addEach('Rule', formatRuleLines(action.change));
        if (action.change.direction === 'unknown') {
          out.add(
            'Direction',
            'not recorded by CloudTrail (the rule id decides whether it is inbound or outbound)',
          );
        }
      },
      effect: (action) => worldOpenIngressFindings(action.change),
    },
    'prefix-list': {
      phrase(action) {
        const list = shortName(action.prefixListId ?? action.name ?? 'a prefix list');
        const added =
          action.added.length === 0 ? '' : ` adding ${shortNames(action.added.map((peer) => peer.value))}`;
        const removed =
          action.removed.length === 0
            ? ''
            : `${added === '' ? '' : ' and'} removing ${shortNames(action.removed)}`;
        return `${action.operation === 'create' ? 'created' : 'changed'} prefix list ${list}${added}${removed}`;
      },
      details(action, out) {
        out.add('Prefix list', action.prefixListId);
        out.add('Name', action.name);
        out.addEach(
          'Entry added',
          action.added.map((peer) => peer.value),
        );
        out.addEach('Entry removed', action.removed);
      },
      effect(action) {
        const reach = publicReach(action.added);
        if (reachSize(reach) !== 'internet') return NO_FINDINGS;
        const list = action.prefixListId ?? action.name ?? 'a prefix list';
        return [
          {
            severity: 'warning',
            reason: `Prefix list ${list} now admits ${exposureWords(reach, 1, action.added)}: every security-group rule that refers to it lets them in on its ports. The event does not say which rules do; check them, since an admin or database port among them is open to the internet now.`,
          },
        ];
      },
    },
    'security-group': {
      phrase(action) {
        const id = shortName(action.groupId ?? action.groupName ?? '(unknown)');
        if (action.operation === 'delete') return `deleted security group ${id}`;
        const name =
          action.groupName === null || action.groupName === action.groupId
            ? ''
            : ` (${shortName(action.groupName)})`;
        return `created security group ${id}${name}${action.vpcId === null ? '' : ` in ${shortName(action.vpcId)}`}`;
      },
      details(action, out) {
        out.add('Security group', action.groupId);
        out.add('Name', action.groupName);
        out.add('Description', action.description);
        out.add('VPC', action.vpcId);
      },
    },
  },
};

function ruleChangePhrase(change: SecurityGroupRuleChange): string {
  const group = shortName(change.groupId ?? 'a security group');
  const world = change.rules.filter((rule) => rule.peers.some(isInternetSized));
  if ((change.operation === 'authorize' || change.operation === 'modify') && change.direction !== 'egress') {
    if (world.length > 0) {
      const ports = sentenceList(unique(world.map(formatPorts)));
      const cidrs = unique(
        world.flatMap((rule) => rule.peers.filter(isInternetSized).map((peer) => peer.value)),
      );
      const via =
        change.operation === 'modify' && change.ruleIds.length > 0
          ? ` by modifying rule ${shortNames(change.ruleIds)}`
          : '';
      return `opened ${ports} to the internet (${shortNames(cidrs)}) on ${group}${via}`;
    }
  }
  const pairs = change.rules.flatMap((rule) => rule.peers.map((peer) => ({ rule, peer })));
  const direction =
    change.direction === 'egress' ? 'outbound' : change.direction === 'ingress' ? 'inbound' : '';
  const directionWord = direction === '' ? '' : `${direction} `;
  const preposition = change.direction === 'egress' ? 'to' : 'from';
  if (change.operation === 'modify') {
    const rules = change.ruleIds.length > 0 ? `rule ${shortNames(change.ruleIds)}` : 'a rule';
    const only = pairs[0];
    if (pairs.length === 1 && only !== undefined) {
      return `changed ${rules} of ${group} to ${formatPorts(only.rule)} ${shortName(formatPeer(only.peer))}`;
    }
    return `changed ${rules} of ${group}`;
  }
  if (change.operation === 'describe') {
    return `updated the descriptions of ${plural(Math.max(pairs.length, 1), `${directionWord}rule`)} on ${group}`;
  }
  const only = pairs[0];
  if (pairs.length === 1 && only !== undefined) {
    const verb = change.operation === 'authorize' ? 'allowed' : 'removed';
    return `${verb} ${directionWord}${formatPorts(only.rule)} ${preposition} ${shortName(formatPeer(only.peer))} on ${group}`;
  }
  if (pairs.length === 0 && change.ruleIds.length > 0) {
    return `removed ${directionWord}${change.ruleIds.length === 1 ? 'rule' : 'rules'} ${shortNames(change.ruleIds)} from ${group}`;
  }
  const count = plural(pairs.length, `${directionWord}rule`);
  return change.operation === 'authorize' ? `added ${count} to ${group}` : `removed ${count} from ${group}`;
}

/**
 * Ingress rated by how much of the public internet it admits, not by the literal `/0`: rules with the same
 * ports are taken together (`0.0.0.0/1` in one rule and `128.0.0.0/1` in the next is still everyone), and so
 * is every rule of the call that opens a given admin or database port (`tcp/22` from one /8 and `tcp/20-25`
 * from another add up on SSH).
 */
function worldOpenIngressFindings(change: SecurityGroupRuleChange): readonly Finding[] {
  if (change.operation !== 'authorize' && change.operation !== 'modify') return NO_FINDINGS;
  if (change.direction === 'egress') return NO_FINDINGS;
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
  if (size === 'small') return NO_FINDINGS;
  const { rule } = group;
  const ports = formatPorts(rule);
  const exposed = exposureWords(reach, group.ruleCount, group.peers);
  const opened = sensitivePortsOpened(rule);
  if (size === 'large') {
    if (opened !== null && opened.length === 0) return NO_FINDINGS;
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
  if (groups.length < 2) return NO_FINDINGS;
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
