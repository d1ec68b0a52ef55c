/** Security-group rule events built from one real AuthorizeSecurityGroupIngress, for the rule and evasion tests. */
import { describeChange } from '../../src/changes/describe';
import type { Change } from '../../src/model/change';
import { fixtureWith, type JsonObject } from './cloudtrail-fixtures';

export const INGRESS = 'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json';

export function permission(
  protocol: string | number,
  from: number | null,
  to: number | null,
  peers: JsonObject = {},
): JsonObject {
  const entry: JsonObject = {
    ipProtocol: protocol,
    groups: {},
    ipRanges: {},
    ipv6Ranges: {},
    prefixListIds: {},
    ...peers,
  };
  if (from !== null) entry.fromPort = from;
  if (to !== null) entry.toPort = to;
  return entry;
}

export const ipv4 = (...cidrs: string[]): JsonObject => ({
  ipRanges: { items: cidrs.map((cidrIp) => ({ cidrIp })) },
});
export const ipv6 = (...cidrs: string[]): JsonObject => ({
  ipv6Ranges: { items: cidrs.map((cidrIpv6) => ({ cidrIpv6 })) },
});

/** An AuthorizeSecurityGroupIngress (or another rule event) on sg-0d921df5d84f7270a with these permissions. */
export function ruleEvent(permissions: JsonObject[], eventName = 'AuthorizeSecurityGroupIngress'): Change {
  return describeChange(
    fixtureWith(INGRESS, (detail) => {
      detail.eventName = eventName;
      detail.requestParameters = { groupId: 'sg-0d921df5d84f7270a', ipPermissions: { items: permissions } };
    }),
  );
}
