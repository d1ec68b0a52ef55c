import { describeChange } from '../../src/changes/describe';
import type { Change } from '../../src/model/change';
import { fixtureWith, loadCloudTrailFixture } from '../helpers/cloudtrail-fixtures';
import { INGRESS, ipv4, ipv6, permission, ruleEvent } from '../helpers/security-group-events';

function rules(change: Change): string[] {
  return change.details.filter((detail) => detail.label === 'Rule').map((detail) => detail.value);
}

describe('security group rules', () => {
  describe('both parameter shapes of AuthorizeSecurityGroupIngress', () => {
    it('reads ipPermissions.items[]', () => {
      const change = describeChange(loadCloudTrailFixture(INGRESS));

      expect(rules(change)).toEqual(['+ tcp/22 from 0.0.0.0/0']);
      expect(change.summary).toBe(
        'role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1',
      );
      expect(change.severity).toBe('critical');
    });

    it('reads the legacy flat cidrIp/ipProtocol/fromPort/toPort sent with an empty ipPermissions {}', () => {
      const change = describeChange(
        loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.flat-params-stratus.json'),
      );

      expect(rules(change)).toEqual(['+ tcp/22 from 208.236.235.254/0']);
      expect(change.severity).toBe('critical');
      expect(change.resources).toEqual([
        { type: 'security-group', id: 'sg-003dc7f1f1c686164' },
        { type: 'security-group-rule', id: 'sgr-09b3e3d2ca1edf2a2' },
      ]);
    });

    it('treats a flat request without a protocol as all traffic, and reads a flat source group', () => {
      const change = describeChange(
        fixtureWith(INGRESS, (detail) => {
          detail.requestParameters = {
            groupName: 'web',
            ipPermissions: {},
            sourceSecurityGroupName: 'lb',
            sourceSecurityGroupOwnerId: '111122223333',
          };
        }),
      );

      expect(rules(change)).toEqual(['+ all traffic from lb (account 111122223333)']);
      expect(change.severity).toBe('info');
    });
  });

  it('writes one line per peer: IPv4, IPv6, security group, prefix list, with descriptions', () => {
    const change = ruleEvent([
      permission('tcp', 443, 443, {
        ...ipv4('10.0.0.0/8'),
        ipv6Ranges: { items: [{ cidrIpv6: '2001:db8::/32', description: 'office v6' }] },
        groups: { items: [{ groupId: 'sg-123', userId: '111122223333' }] },
        prefixListIds: { items: [{ prefixListId: 'pl-63a5400a' }] },
      }),
      permission('-1', null, null, { groups: { items: [{ groupId: 'sg-456' }] } }),
    ]);

    expect(rules(change)).toEqual([
      '+ tcp/443 from 10.0.0.0/8',
      '+ tcp/443 from 2001:db8::/32 ("office v6")',
      '+ tcp/443 from sg-123 (account 111122223333)',
      '+ tcp/443 from pl-63a5400a',
      '+ all traffic from sg-456',
    ]);
    expect(change.summary).toMatch(/ added 5 inbound rules to sg-0d921df5d84f7270a in us-east-1$/);
    expect(change.severity).toBe('info');
  });

  it('a rule referencing another security group does not list it as a touched resource', () => {
    const change = ruleEvent([permission('-1', null, null, { groups: { items: [{ groupId: 'sg-456' }] } })]);

    expect(change.resources).toEqual([{ type: 'security-group', id: 'sg-0d921df5d84f7270a' }]);
  });

  it('formats revoked egress rules with "-" and "to"', () => {
    const change = ruleEvent([permission('udp', 53, 53, ipv4('10.0.0.0/8'))], 'RevokeSecurityGroupEgress');

    expect(rules(change)).toEqual(['- udp/53 to 10.0.0.0/8']);
    expect(change.summary).toMatch(
      / removed outbound udp\/53 to 10\.0\.0\.0\/8 on sg-0d921df5d84f7270a in us-east-1$/,
    );
  });

  it('formats port ranges, ICMP and protocol numbers', () => {
    const change = ruleEvent([
      permission('6', 1024, 2048, ipv4('10.0.0.0/8')),
      permission('icmp', -1, -1, ipv4('10.0.0.0/8')),
      permission('icmp', 8, -1, ipv4('10.0.0.0/8')),
      permission('47', null, null, ipv4('10.0.0.0/8')),
    ]);

    expect(rules(change)).toEqual([
      '+ tcp/1024-2048 from 10.0.0.0/8',
      '+ icmp (all types) from 10.0.0.0/8',
      '+ icmp type 8 from 10.0.0.0/8',
      '+ protocol 47 from 10.0.0.0/8',
    ]);
  });

  describe('world-open ingress', () => {
    it.each([
      ['SSH', permission('tcp', 22, 22, ipv4('0.0.0.0/0')), 'tcp/22 (SSH)'],
      ['RDP', permission('tcp', 3389, 3389, ipv4('0.0.0.0/0')), 'tcp/3389 (RDP)'],
      ['PostgreSQL over IPv6 only', permission('tcp', 5432, 5432, ipv6('::/0')), 'tcp/5432 (PostgreSQL)'],
      [
        'a range holding MySQL',
        permission('tcp', 3000, 3400, ipv4('0.0.0.0/0')),
        'tcp/3000-3400 (includes 3306 MySQL, 3389 RDP)',
      ],
      ['every TCP port', permission('tcp', 0, 65535, ipv4('0.0.0.0/0')), 'tcp/0-65535 (every port)'],
      ['all traffic', permission('-1', null, null, ipv4('0.0.0.0/0')), 'all traffic (every port)'],
      ['Memcached over UDP', permission('udp', 11211, 11211, ipv4('0.0.0.0/0')), 'udp/11211 (Memcached)'],
    ])('%s is critical', (_name, rule, words) => {
      const change = ruleEvent([rule]);

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toContain(`${words} `);
      expect(change.reasons[0]).toContain('is open to the whole internet');
      expect(change.summary).toContain('to the internet');
    });

    it.each([
      ['HTTPS', permission('tcp', 443, 443, ipv4('0.0.0.0/0'))],
      ['DNS over UDP', permission('udp', 53, 53, ipv4('0.0.0.0/0'))],
      ['ICMP', permission('icmp', -1, -1, ipv6('::/0'))],
    ])('%s is a warning', (_name, rule) => {
      const change = ruleEvent([rule]);

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toMatch(
        /is open to the whole internet .*; make sure this service is meant to be public\.$/,
      );
    });

    it('IPv6 ::/0 next to 0.0.0.0/0 names both ranges', () => {
      const change = describeChange(
        loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.ipv6-open-world.json'),
      );

      expect(rules(change)).toEqual(['+ tcp/22 from 0.0.0.0/0', '+ tcp/22 from ::/0']);
      expect(change.summary).toContain('opened tcp/22 to the internet (0.0.0.0/0, ::/0)');
    });

    describe('opened in pieces: rated by how much public address space they cover', () => {
      it('0.0.0.0/1 + 128.0.0.0/1 on SSH is the whole internet', () => {
        const change = describeChange(
          loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.ssh-split-halves.json'),
        );

        expect(change.severity).toBe('critical');
        expect(change.reasons[0]).toBe(
          'tcp/22 (SSH) is open to the whole internet (0.0.0.0/1, 128.0.0.0/1) on sg-0d921df5d84f7270a; admin and database ports facing the internet are found by scanners within minutes.',
        );
        expect(change.summary).toContain('opened tcp/22 to the internet (0.0.0.0/1, 128.0.0.0/1)');
      });

      it('::/1 + 8000::/1 as two rules of one call is the whole internet', () => {
        const change = describeChange(
          loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.ipv6-split-rules.json'),
        );

        expect(change.severity).toBe('critical');
        expect(change.reasons[0]).toContain(
          'tcp/22 (SSH) is open to the whole internet across 2 rules (::/1, 8000::/1) on sg-0d921df5d84f7270a',
        );
      });

      it('four /2s on RDP are the whole internet', () => {
        const change = ruleEvent([
          permission('tcp', 3389, 3389, ipv4('0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/2')),
        ]);

        expect(change.severity).toBe('critical');
        expect(change.reasons[0]).toContain('tcp/3389 (RDP) is open to the whole internet (');
      });

      it('many public /8s, one rule each, add up across the rules of the call', () => {
        const eights = Array.from({ length: 40 }, (_, i) =>
          permission('tcp', 22, 22, ipv4(`${i + 11}.0.0.0/8`)),
        );

        const change = ruleEvent(eights);

        expect(change.severity).toBe('critical');
        expect(change.reasons[0]).toMatch(
          /^tcp\/22 \(SSH\) is open to \d+% of the public internet across 40 rules \(11\.0\.0\.0\/8, 12\.0\.0\.0\/8, 13\.0\.0\.0\/8, 14\.0\.0\.0\/8, and 36 more\)/,
        );
      });

      it('a port range that holds SSH counts toward SSH', () => {
        const change = ruleEvent([
          permission('tcp', 22, 22, ipv4('11.0.0.0/8')),
          permission('tcp', 20, 25, ipv4('12.0.0.0/8')),
        ]);

        expect(change.severity).toBe('critical');
        expect(change.reasons[0]).toMatch(/^tcp\/22 \(SSH\) is open to .* across 2 rules/);
      });

      it('more than one /8 of public space is critical; one /8 is a warning', () => {
        // 10.0.0.0/7 = 10/8 (private) + 11/8 (public): exactly one /8 of public space.
        const one = ruleEvent([permission('tcp', 22, 22, ipv4('10.0.0.0/7'))]);
        const two = ruleEvent([permission('tcp', 22, 22, ipv4('12.0.0.0/7'))]);

        expect(one.severity).toBe('warning');
        expect(one.reasons[0]).toBe(
          "tcp/22 (SSH) is open to 16,777,216 public addresses (10.0.0.0/7) on sg-0d921df5d84f7270a: a range this large is rarely one organisation's network, so check who it really is.",
        );
        expect(two.severity).toBe('critical');
        expect(two.reasons[0]).toContain('is open to 1% of the public internet (12.0.0.0/7)');
      });

      it('an IPv6 range larger than a /11 is critical; a /32 (one ISP) is not', () => {
        expect(ruleEvent([permission('tcp', 22, 22, ipv6('2000::/10'))]).severity).toBe('critical');
        expect(ruleEvent([permission('tcp', 22, 22, ipv6('2400::/12'))]).severity).toBe('warning');
        expect(ruleEvent([permission('tcp', 22, 22, ipv6('2a00:1450::/32'))]).severity).toBe('info');
      });

      it('a public /16 on SSH is info, a /15 a warning', () => {
        expect(ruleEvent([permission('tcp', 22, 22, ipv4('52.0.0.0/16'))]).severity).toBe('info');
        expect(ruleEvent([permission('tcp', 22, 22, ipv4('52.0.0.0/15'))]).severity).toBe('warning');
      });

      it('private, carrier-grade NAT and unique-local ranges are not public', () => {
        const change = describeChange(
          loadCloudTrailFixture('ec2.AuthorizeSecurityGroupIngress.private-ranges.json'),
        );

        expect(change.severity).toBe('info');
      });

      it('halves of the internet on HTTPS are a warning, as 0.0.0.0/0 is', () => {
        const change = ruleEvent([permission('tcp', 443, 443, ipv4('0.0.0.0/1', '128.0.0.0/1'))]);

        expect(change.severity).toBe('warning');
        expect(change.reasons[0]).toMatch(
          /^tcp\/443 is open to the whole internet \(0\.0\.0\.0\/1, 128\.0\.0\.0\/1\)/,
        );
      });

      it('a host part under a /0 mask is still the whole internet', () => {
        expect(ruleEvent([permission('tcp', 22, 22, ipv4('203.0.113.9/0'))]).severity).toBe('critical');
      });

      it('an unreadable CIDR counts as no address', () => {
        const change = ruleEvent([
          permission('tcp', 22, 22, ipv4('0.0.0.0/33', '300.0.0.0/1', 'not-a-cidr')),
        ]);

        expect(change.severity).toBe('info');
      });
    });

    it('a narrow IPv6 range is not world-open', () => {
      expect(ruleEvent([permission('tcp', 22, 22, ipv6('2001:db8::/32'))]).severity).toBe('info');
    });

    it('world-open egress is not flagged (outbound allow-all is the default)', () => {
      expect(
        ruleEvent([permission('-1', null, null, ipv4('0.0.0.0/0'))], 'AuthorizeSecurityGroupEgress').severity,
      ).toBe('info');
    });

    it('revoking a world-open rule is not flagged', () => {
      const change = ruleEvent([permission('tcp', 22, 22, ipv4('0.0.0.0/0'))], 'RevokeSecurityGroupIngress');

      expect(change.severity).toBe('info');
      expect(change.summary).toContain('removed inbound tcp/22 from 0.0.0.0/0');
    });
  });

  it('ModifySecurityGroupRules: PascalCase request, direction unknown and therefore assumed inbound', () => {
    const change = describeChange(loadCloudTrailFixture('ec2.ModifySecurityGroupRules.json'));

    expect(rules(change)).toEqual(['~ sgr-0example0000000001: tcp/22 0.0.0.0/0']);
    expect(change.details).toContainEqual({
      label: 'Direction',
      value: 'not recorded by CloudTrail (the rule id decides whether it is inbound or outbound)',
    });
    expect(change.severity).toBe('critical');
    expect(change.reasons[0]).toContain('InfraWatch assumes inbound');
    expect(change.resources).toContainEqual({ type: 'security-group-rule', id: 'sgr-0example0000000001' });
  });

  it('ModifySecurityGroupRules with a private range describes the new rule', () => {
    const change = describeChange(
      fixtureWith('ec2.ModifySecurityGroupRules.json', (detail) => {
        detail.requestParameters = {
          ModifySecurityGroupRulesRequest: {
            GroupId: 'sg-0d921df5d84f7270a',
            SecurityGroupRule: {
              SecurityGroupRuleId: 'sgr-1',
              SecurityGroupRule: { CidrIpv4: '10.1.0.0/16', FromPort: 5432, IpProtocol: 'tcp', ToPort: 5432 },
            },
          },
        };
      }),
    );

    expect(change.severity).toBe('info');
    expect(change.summary).toMatch(
      / changed rule sgr-1 of sg-0d921df5d84f7270a to tcp\/5432 10\.1\.0\.0\/16 in us-east-1$/,
    );
  });

  it('revoking by rule id lists the ids', () => {
    const change = describeChange(
      fixtureWith(INGRESS, (detail) => {
        detail.eventName = 'RevokeSecurityGroupIngress';
        detail.requestParameters = {
          groupId: 'sg-0d921df5d84f7270a',
          securityGroupRuleIds: {
            items: [{ securityGroupRuleId: 'sgr-1' }, { securityGroupRuleId: 'sgr-2' }],
          },
        };
      }),
    );

    expect(rules(change)).toEqual(['- rule sgr-1', '- rule sgr-2']);
    expect(change.summary).toContain('removed inbound rules sgr-1, sgr-2 from sg-0d921df5d84f7270a');
  });

  it('a denied world-open rule is a warning that says what was attempted', () => {
    const change = describeChange(
      fixtureWith(INGRESS, (detail) => {
        detail.errorCode = 'Client.UnauthorizedOperation';
        detail.errorMessage = 'You are not authorized to perform this operation.';
      }),
    );

    expect(change.severity).toBe('warning');
    expect(change.summary).toBe(
      'role/Operator (session ryan@example.com) tried to AuthorizeSecurityGroupIngress on sg-0d921df5d84f7270a but was denied (Client.UnauthorizedOperation)',
    );
    expect(change.reasons).toContain(
      'Had it succeeded: tcp/22 (SSH) is open to the whole internet (0.0.0.0/0) on sg-0d921df5d84f7270a; admin and database ports facing the internet are found by scanners within minutes.',
    );
  });

  it('a dry run of a world-open rule is info', () => {
    const change = describeChange(
      fixtureWith(INGRESS, (detail) => {
        detail.errorCode = 'Client.DryRunOperation';
        detail.errorMessage = 'Request would have succeeded, but DryRun flag is set.';
      }),
    );

    expect(change.severity).toBe('info');
    expect(change.dryRun).toBe(true);
    expect(change.summary).toMatch(
      / did a dry run of AuthorizeSecurityGroupIngress on sg-0d921df5d84f7270a in us-east-1: nothing changed$/,
    );
  });
});
