import { bySeverityThenTime, toLine } from '../../src/changes/burst';
import { describeChange } from '../../src/changes/describe';
import type { AlertContent } from '../../src/model/alert';
import type { Change } from '../../src/model/change';
import { renderAlert, renderGroupedAlert } from '../../src/views';
import { builtInCatalog } from '../../src/watches';
import { assertOnlyOwnMarkup, assertValidMessage, mrkdwnTexts } from '../helpers/block-kit';
import {
  cloudTrailFixtureFiles,
  fixtureWith,
  loadCloudTrailFixture,
  obj,
} from '../helpers/cloudtrail-fixtures';

const TITLES = new Map(builtInCatalog.watches.map((watch) => [watch.id, watch.title]));
const ALIASES = { '112233445566': 'prod', '123456789012': 'sandbox' };

function describeWithBuiltInWatches(event: unknown): Change {
  return describeChange(event, builtInCatalog);
}

function optionsFor(change: Change) {
  const watchTitle = change.watch === null ? undefined : TITLES.get(change.watch);
  return { accountAlias: ALIASES, ...(watchTitle === undefined ? {} : { watchTitle }) };
}

describe('renderAlert on every corpus event', () => {
  it.each(cloudTrailFixtureFiles())('%s', (file) => {
    // Prepare
    const change = describeWithBuiltInWatches(loadCloudTrailFixture(file));

    // Act
    const message = renderAlert(change, optionsFor(change));

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    expect(message.text.startsWith(`${change.severity[0]?.toUpperCase()}${change.severity.slice(1)}: `)).toBe(
      true,
    );
    expect(message).toMatchSnapshot();
  });
});

describe('renderGroupedAlert on corpus events', () => {
  it('renders the security-group events as one burst', () => {
    // Prepare: every corpus event the security-groups watch matches, as if one actor made them.
    const changes = cloudTrailFixtureFiles()
      .map((file) => describeWithBuiltInWatches(loadCloudTrailFixture(file)))
      .filter((change) => change.watch === 'security-groups');
    const lines = changes.map(toLine).sort(bySeverityThenTime);
    const lead = changes.find((change) => change.id === lines[0]?.id);
    if (lead === undefined) throw new Error('no security-group events in the corpus');
    const alert: AlertContent = {
      id: '5f0c3a1e9b2d4c6a8e0f1b2c',
      channel: 'C0123456789',
      watch: 'security-groups',
      lead,
      lines,
      severity: lead.severity,
      status: 'open',
    };

    // Act
    const message = renderGroupedAlert(alert, {
      watchTitle: TITLES.get('security-groups'),
      accountAlias: ALIASES,
    });

    // Assess
    expect(lines.length).toBeGreaterThan(5);
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    const text = mrkdwnTexts(message).join('\n');
    for (const line of lines.filter((l) => l.severity === 'critical')) {
      expect(text).toContain(line.summary.slice(0, 60));
    }
    expect(message).toMatchSnapshot();
  });
});

describe('renderAlert on hostile corpus events', () => {
  it('escapes a session name and a bucket policy that try to ping and to disguise a link', () => {
    // Prepare: a real PutBucketPolicy event with hostile text in the session name and a 20 KB policy.
    const event = fixtureWith('s3.PutBucketPolicy.public.json', (detail) => {
      const identity = obj(detail.userIdentity);
      // As long as an ARN may be and still fit a DynamoDB key (KEY_LIMITS.arn); longer events are rejected.
      identity.arn = `arn:aws:sts::123456789012:assumed-role/example-role/<!channel>${'s'.repeat(900)}`;
      identity.principalId = `AROAEXAMPLE:<!channel>${'s'.repeat(5000)}`;
      const statements = Array.from({ length: 150 }, (_, index) => ({
        Sid: `S${index} <https://evil.example|aws.amazon.com> <!here> <@U123>`,
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::example-bucket/${index}/*`,
      }));
      obj(detail.requestParameters).bucketPolicy = { Version: '2012-10-17', Statement: statements };
    });
    const change = describeWithBuiltInWatches(event);

    // Act
    const message = renderAlert(change, optionsFor(change));

    // Assess
    expect(JSON.stringify(event).length).toBeGreaterThan(20_000);
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    const text = mrkdwnTexts(message).join('\n');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|aws.amazon.com&gt;');
    expect(text).not.toContain('<https://evil.example');
  });

  it('stays within limits for a security-group event with 300 rules', () => {
    // Prepare
    const event = fixtureWith('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json', (detail) => {
      const permissions = obj(obj(detail.requestParameters).ipPermissions);
      permissions.items = Array.from({ length: 300 }, (_, index) => ({
        ipProtocol: 'tcp',
        fromPort: index + 1,
        toPort: index + 1,
        ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: `<!channel> rule ${index}` }] },
      }));
    });
    const change = describeWithBuiltInWatches(event);

    // Act
    const message = renderAlert(change, optionsFor(change));

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
  });
});
