import { describeChange, EMPTY_CATALOG } from '../../src/changes/describe';
import { InvalidEventError } from '../../src/events/cloudtrail';
import type { Watch, WatchCatalog } from '../../src/watches/types';
import { fixtureWith, loadCloudTrailFixture, obj } from '../helpers/cloudtrail-fixtures';

/** A catalog whose watches match when their predicate says so (the real pattern engine is tested elsewhere). */
function fakeCatalog(
  entries: Array<{ watch: Partial<Watch> & { id: string }; matches: (event: unknown) => boolean }>,
): WatchCatalog {
  const watches: Watch[] = entries.map(({ watch }) => ({
    aliases: [],
    title: watch.id,
    description: watch.id,
    pattern: {},
    ...watch,
  }));
  return {
    watches,
    match: (event) => watches.filter((_watch, index) => entries[index]?.matches(event) === true),
  };
}

const eventNameIs =
  (name: string) =>
  (event: unknown): boolean =>
    obj(obj(event).detail).eventName === name;

const SSH = 'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json';

describe('describeChange', () => {
  it('describes the classic alert in full', () => {
    // Prepare
    const event = loadCloudTrailFixture(SSH);

    // Act
    const change = describeChange(event);

    // Assess
    expect(change).toMatchObject({
      id: '42155429-7e8e-43b5-9b5e-6953f80d51d5',
      watch: 'security-groups',
      watches: ['security-groups'],
      eventName: 'AuthorizeSecurityGroupIngress',
      service: 'ec2',
      account: '112233445566',
      region: 'us-east-1',
      time: '2020-04-30T04:40:52Z',
      sourceIp: '100.1.114.142',
      userAgent: 'aws-sdk-go/1.24.1 (go1.14; darwin; amd64)',
      tool: 'sdk',
      resources: [{ type: 'security-group', id: 'sg-0d921df5d84f7270a' }],
      outcome: { ok: true },
      severity: 'critical',
      readOnly: false,
      dryRun: false,
    });
  });

  it('is pure: the same event gives the same change, and the event is not modified', () => {
    const event = loadCloudTrailFixture('ec2.RunInstances.json');
    const before = structuredClone(event);

    const first = describeChange(event);
    const second = describeChange(event);

    expect(second).toEqual(first);
    expect(event).toEqual(before);
  });

  it('throws InvalidEventError for events that are not CloudTrail calls', () => {
    const event = fixtureWith('iam.CreateUser.json', (_detail, envelope) => {
      envelope['detail-type'] = 'AWS Service Event via CloudTrail';
    });

    expect(() => describeChange(event)).toThrow(InvalidEventError);
  });

  it('uses the EventBridge id only for eventVersion 1.0 records, which have no eventID', () => {
    const event = loadCloudTrailFixture('iam.CreateUser.docs.json');

    expect(describeChange(event).id).toBe(event.id);
  });

  it('infers readOnly from the API name when the record lacks the field', () => {
    const describe = describeChange(
      fixtureWith('ec2.StopInstances.docs.json', (detail) => {
        detail.eventName = 'DescribeInstances';
        detail.responseElements = null;
      }),
    );
    const stop = describeChange(loadCloudTrailFixture('ec2.StopInstances.docs.json'));

    expect(describe.readOnly).toBe(true);
    expect(describe.reasons).toEqual(['Read-only call: it changed nothing.']);
    expect(stop.readOnly).toBe(false);
  });

  it('describes an API it has no specific reading for by its name and resources', () => {
    const change = describeChange(
      fixtureWith('ec2.CreateVpc.json', (detail) => {
        detail.eventName = 'CreateSubnet';
        detail.requestParameters = { vpcId: 'vpc-0a1', cidrBlock: '10.0.1.0/24' };
        detail.responseElements = { subnet: { subnetId: 'subnet-0b2', vpcId: 'vpc-0a1' } };
      }),
    );

    expect(change.summary).toBe(
      'paul@cloudandthings.io (SSO AWSAdministratorAccess) called ec2:CreateSubnet on vpc vpc-0a1 and 1 other resource in eu-west-1',
    );
    expect(change.resources).toEqual([
      { type: 'vpc', id: 'vpc-0a1' },
      { type: 'subnet', id: 'subnet-0b2' },
    ]);
    expect(change.details).toContainEqual({
      label: 'Request parameters',
      value: '{"vpcId":"vpc-0a1","cidrBlock":"10.0.1.0/24"}',
    });
  });

  describe('resources', () => {
    it('come from the request and the response (new ids only appear in the response)', () => {
      const change = describeChange(loadCloudTrailFixture('ec2.CreateSecurityGroup.json'));

      expect(change.resources).toEqual([
        { type: 'vpc', id: 'vpc-a1a044c7' },
        { type: 'security-group', id: 'sg-04d018d184a18f647' },
      ]);
    });

    it('cover instances, subnets, VPCs and security groups of a launch', () => {
      const change = describeChange(
        loadCloudTrailFixture('ec2.RunInstances.root-invokedby-autoscaling.json'),
      );

      expect(change.resources).toEqual([
        { type: 'security-group', id: 'sg-bd2d87d9' },
        { type: 'subnet', id: 'subnet-5f7a3106' },
        { type: 'instance', id: 'i-784cdacd' },
        { type: 'vpc', id: 'vpc-1b4a1b7e' },
        { type: 'instance', id: 'i-7b4cdace' },
      ]);
    });

    it('cover IAM users, roles, policies, buckets, trails and route targets', () => {
      expect(describeChange(loadCloudTrailFixture('iam.AttachUserPolicy.json')).resources).toEqual([
        { type: 'iam-policy', id: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        { type: 'iam-user', id: 'malicious-iam-user' },
      ]);
      expect(describeChange(loadCloudTrailFixture('s3.PutBucketPolicy.public.json')).resources).toEqual([
        { type: 'bucket', id: 'example-bucket' },
      ]);
      expect(describeChange(loadCloudTrailFixture('cloudtrail.DeleteTrail.json')).resources).toEqual([
        { type: 'trail', id: 'example-trail' },
      ]);
      expect(describeChange(loadCloudTrailFixture('ec2.ReplaceRoute.json')).resources).toEqual([
        { type: 'route-table', id: 'rtb-0example000000001' },
        { type: 'nat-gateway', id: 'nat-0example000000001' },
      ]);
    });

    it('are capped at 100, and the details say how many there were', () => {
      const ids = Array.from({ length: 150 }, (_, index) => `i-${String(index).padStart(17, '0')}`);
      const change = describeChange(
        fixtureWith('ec2.TerminateInstances.json', (detail) => {
          detail.requestParameters = { instancesSet: { items: ids.map((instanceId) => ({ instanceId })) } };
          detail.responseElements = null;
        }),
      );

      expect(change.resources).toHaveLength(100);
      expect(change.details).toContainEqual({ label: 'Resources', value: '100 of 150 listed' });
      expect(change.summary).toBe(
        `role/SomeRole (session AThing) terminated 150 instances (${ids.slice(0, 5).join(', ')}, and 145 more) in us-west-2`,
      );
    });
  });

  describe('untrusted strings', () => {
    it('keeps them raw (escaping is the renderer’s job)', () => {
      const change = describeChange(
        fixtureWith('iam.CreateUser.json', (detail) => {
          obj(detail.requestParameters).userName = '<@U123> *bold* `code` & <!channel>';
        }),
      );

      expect(change.summary).toBe('christophe created IAM user <@U123> *bold* `code` & <!channel>');
    });

    it('bounds a 20 KB policy document in the details and says it was cut', () => {
      const statements = Array.from({ length: 200 }, (_, index) => ({
        Sid: `Statement${index}`,
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:aws:s3:::bucket-${index}/*`,
      }));
      const document = JSON.stringify({ Version: '2012-10-17', Statement: statements });
      const change = describeChange(
        fixtureWith('iam.PutRolePolicy.json', (detail) => {
          obj(detail.requestParameters).policyDocument = document;
        }),
      );

      const shown = change.details.find((detail) => detail.label === 'Policy document');
      expect(document.length).toBeGreaterThan(20_000);
      expect(shown?.value.length).toBeLessThan(2100);
      expect(shown?.value).toMatch(/… \(\d+ more characters\)$/);
      expect(change.details.filter((detail) => detail.label === 'Statement')).toHaveLength(11);
      expect(change.details).toContainEqual({ label: 'Statement', value: '… and 190 more' });
    });

    it('bounds a huge value in the summary', () => {
      const change = describeChange(
        fixtureWith('iam.CreateUser.json', (detail) => {
          obj(detail.requestParameters).userName = 'x'.repeat(50_000);
        }),
      );

      expect(change.summary.length).toBeLessThan(300);
      expect(change.summary).toMatch(/… \(\d+ more characters\)$/);
    });
  });

  describe('watches', () => {
    const catalog = fakeCatalog([
      { watch: { id: 'iam' }, matches: eventNameIs('CreateUser') },
      { watch: { id: 'security-groups' }, matches: eventNameIs('AuthorizeSecurityGroupIngress') },
      {
        watch: { id: 'ssh-anywhere', severity: 'info' },
        matches: eventNameIs('AuthorizeSecurityGroupIngress'),
      },
    ]);

    it('lists every matching watch, primary first', () => {
      const change = describeChange(loadCloudTrailFixture(SSH), catalog);

      expect(change.watch).toBe('security-groups');
      expect(change.watches).toEqual(['security-groups', 'ssh-anywhere']);
      expect(change.severity).toBe('critical');
    });

    it('defaults to no watch', () => {
      const change = describeChange(loadCloudTrailFixture(SSH), EMPTY_CATALOG);

      expect(change.watch).toBeNull();
      expect(change.watches).toEqual([]);
    });

    it('the primary watch’s severity wins, and says so first', () => {
      const overriding = fakeCatalog([
        { watch: { id: 'ssh-anywhere', severity: 'info' }, matches: () => true },
      ]);

      const change = describeChange(loadCloudTrailFixture(SSH), overriding);

      expect(change.severity).toBe('info');
      expect(change.reasons[0]).toBe("Severity set by watch 'ssh-anywhere'.");
      expect(change.reasons[1]).toContain('is open to the whole internet');
    });

    it('a forced severity on a change no rule rates says only that the watch set it', () => {
      const forcing = fakeCatalog([{ watch: { id: 'vpc-audit', severity: 'warning' }, matches: () => true }]);

      const change = describeChange(loadCloudTrailFixture('ec2.CreateVpc.json'), forcing);

      expect(change.severity).toBe('warning');
      expect(change.reasons).toEqual(["Severity set by watch 'vpc-audit'."]);
    });

    it('a forced severity on a read-only call keeps saying it changed nothing', () => {
      const forcing = fakeCatalog([{ watch: { id: 'reads', severity: 'warning' }, matches: () => true }]);

      const change = describeChange(
        fixtureWith('ec2.CreateVpc.json', (detail) => {
          detail.eventName = 'DescribeVpcs';
          detail.readOnly = true;
        }),
        forcing,
      );

      expect(change.reasons).toEqual([
        "Severity set by watch 'reads'.",
        'Read-only call: it changed nothing.',
      ]);
    });

    it('the primary watch’s input transformer gives the summary, unquoted', () => {
      const transforming = fakeCatalog([
        {
          watch: {
            id: 'stops',
            inputTransformer: {
              inputPathsMap: {
                user: '$.detail.userIdentity.userName',
                instances: '$.detail.requestParameters.instancesSet',
              },
              inputTemplate: '"<user> stopped <instances>"',
            },
          },
          matches: () => true,
        },
      ]);

      const change = describeChange(loadCloudTrailFixture('ec2.StopInstances.json'), transforming);

      expect(change.summary).toBe(
        'Nikki stopped {items:[{instanceId:i-EXAMPLE56126103cb},{instanceId:i-EXAMPLEaff4840c22}]}',
      );
      expect(change.severity).toBe('info');
    });

    it('keeps its own summary, and says why, when EventBridge would not deliver the transformer output', () => {
      const undeliverable = fakeCatalog([
        {
          watch: {
            id: 'broken',
            inputTransformer: {
              inputPathsMap: { instances: '$.detail.requestParameters.instancesSet' },
              inputTemplate: '{"text": "stopped <instances>"}',
            },
          },
          matches: () => true,
        },
      ]);

      const change = describeChange(loadCloudTrailFixture('ec2.StopInstances.json'), undeliverable);

      expect(change.summary).toBe(
        'Nikki stopped 2 instances (i-EXAMPLE56126103cb, i-EXAMPLEaff4840c22) in us-east-1',
      );
      const problem = change.details.find((detail) => detail.label === "Watch 'broken' summary");
      expect(problem?.value).toMatch(/^not used: EventBridge would not deliver this event to the target/);
    });

    it('keeps its own summary when the template needs rule variables only EventBridge knows', () => {
      const needsRule = fakeCatalog([
        {
          watch: { id: 'named', inputTransformer: { inputTemplate: '"<aws.events.rule-name> fired"' } },
          matches: () => true,
        },
      ]);

      const change = describeChange(loadCloudTrailFixture('ec2.StopInstances.json'), needsRule);

      expect(change.summary).toMatch(/^Nikki stopped 2 instances/);
      expect(change.details.some((detail) => detail.label === "Watch 'named' summary")).toBe(true);
    });

    it('passes the event exactly as delivered to the catalog', () => {
      const seen: unknown[] = [];
      const spying: WatchCatalog = {
        watches: [],
        match: (event) => {
          seen.push(event);
          return [];
        },
      };
      const event = loadCloudTrailFixture(SSH);

      describeChange(event, spying);

      expect(seen).toEqual([event]);
      expect(seen[0]).toBe(event);
    });
  });
});
