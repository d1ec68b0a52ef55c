import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionKind } from '../../src/changes/action';
import { describeChange } from '../../src/changes/describe';
import {
  ACTION_KINDS,
  type ActionHandlers,
  indexReaders,
  interpretAction,
  SERVICES,
} from '../../src/changes/registry';
import { cloudTrail } from '../../src/changes/services/cloudtrail';
import { ec2 } from '../../src/changes/services/ec2';
import { generic } from '../../src/changes/services/generic';
import { iam } from '../../src/changes/services/iam';
import { organizations } from '../../src/changes/services/organizations';
import { routeTables } from '../../src/changes/services/route-tables';
import { s3 } from '../../src/changes/services/s3';
import { securityGroups } from '../../src/changes/services/security-groups';
import { signIn } from '../../src/changes/services/signin';
import { sts } from '../../src/changes/services/sts';
import { vpc } from '../../src/changes/services/vpc';
import { parseCloudTrailEvent } from '../../src/events/cloudtrail';
import { cloudTrailFixtureFiles, loadCloudTrailFixture } from '../helpers/cloudtrail-fixtures';

/** Watched calls that no module reads specifically (see test/fixtures/cloudtrail-generic/README.md). */
const GENERIC_DIRECTORY = join(__dirname, '..', 'fixtures', 'cloudtrail-generic');
const genericFixtures = (): Array<[string, unknown]> =>
  readdirSync(GENERIC_DIRECTORY)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, JSON.parse(readFileSync(join(GENERIC_DIRECTORY, file), 'utf8'))]);

describe('the action registry', () => {
  it('does not compile without a handler for every kind of action', () => {
    // Prepare / Act: the compiler is the test here; `npm run typecheck` fails if an expect-error stops failing.
    // @ts-expect-error CloudTrail's 'trail' handler is missing
    const withoutCloudTrail: ActionHandlers = {
      ...securityGroups.actions,
      ...ec2.actions,
      ...vpc.actions,
      ...routeTables.actions,
      ...s3.actions,
      ...iam.actions,
      ...signIn.actions,
      ...sts.actions,
      ...organizations.actions,
      generic,
    };
    const complete: ActionHandlers = { ...withoutCloudTrail, ...cloudTrail.actions };

    // Assess: the complete registry names the same kinds as the one describeChange uses.
    expect(Object.keys(complete).sort()).toEqual([...ACTION_KINDS].sort());
  });

  it('is exercised by a fixture for every kind of action it handles', () => {
    // Prepare
    const seen = new Map<ActionKind, string>();

    // Act
    const fixtures = [
      ...cloudTrailFixtureFiles().map((file): [string, unknown] => [file, loadCloudTrailFixture(file)]),
      ...genericFixtures(),
    ];
    for (const [file, raw] of fixtures) {
      const event = parseCloudTrailEvent(raw);
      const kind = interpretAction(event.detail, event.source.slice('aws.'.length)).kind;
      if (!seen.has(kind)) seen.set(kind, file);
    }

    // Assess
    expect(ACTION_KINDS.filter((kind) => !seen.has(kind))).toEqual([]);
  });

  it('refuses two service modules reading the same API call', () => {
    // Prepare
    const twice = [...SERVICES, { source: 'ec2', readers: { RunInstances: ec2.readers.RunInstances } }];

    // Act / Assess
    expect(() => indexReaders(SERVICES)).not.toThrow();
    expect(() => indexReaders(twice as typeof SERVICES)).toThrow('ec2:RunInstances has two readers');
  });

  it.each(genericFixtures())('describes the watched call %s as a generic change', (_file, raw) => {
    // Act
    const change = describeChange(raw);

    // Assess
    expect(change.watch).toBe('vpc');
    expect(change.summary).toBe(
      'alice called ec2:CreateNetworkAclEntry on network acl acl-5fb85d36 in us-east-1',
    );
    expect(change.details).toEqual([
      {
        label: 'Request parameters',
        value:
          '{"networkAclId":"acl-5fb85d36","ruleNumber":100,"egress":false,"ruleAction":"allow","aclProtocol":"17","portRange":{"from":53,"to":53},"cidrBlock":"0.0.0.0/0"}',
      },
    ]);
  });

  it('reads calls no module knows, and unknown services, as generic', () => {
    // Prepare
    const event = parseCloudTrailEvent(loadCloudTrailFixture('ec2.RunInstances.json'));

    // Act / Assess
    expect(interpretAction({ ...event.detail, eventName: 'CreateKeyPair' }, 'ec2').kind).toBe('generic');
    expect(interpretAction(event.detail, 'lambda').kind).toBe('generic');
    expect(interpretAction(event.detail, 'ec2').kind).toBe('instances');
  });
});
