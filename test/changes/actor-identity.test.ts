import { personOfActor } from '../../src/changes/actor-identity';
import type { Actor } from '../../src/model/change';

const actor = (type: Actor['type'], arn: string | null): Pick<Actor, 'type' | 'arn'> => ({ type, arn });
const SSO =
  'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com';

describe('who is asked "Was this you?"', () => {
  it('asks the e-mail of an IAM Identity Center session, lower-cased for the lookup', () => {
    expect(personOfActor(actor('AssumedRole', SSO.replace('alice@', 'Alice@')), 'console')).toEqual({
      kind: 'email',
      email: 'alice@example.com',
      name: 'Alice@example.com',
    });
  });

  it('asks an assumed-role session named by e-mail', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/Deployer/bob@example.com';
    expect(personOfActor(actor('AssumedRole', arn), 'cli')).toMatchObject({
      kind: 'email',
      email: 'bob@example.com',
    });
  });

  it('prefers the configured map (IAM user or session name, case-insensitive) over the e-mail', () => {
    const map = { ALICE: 'U0ALICE', 'bob@example.com': 'U0BOB' };
    expect(personOfActor(actor('IAMUser', 'arn:aws:iam::123456789012:user/ops/alice'), 'cli', map)).toEqual({
      kind: 'slack-user',
      userId: 'U0ALICE',
      name: 'alice',
    });
    expect(
      personOfActor(actor('AssumedRole', 'arn:aws:sts::1:assumed-role/Deployer/bob@example.com'), 'cli', map),
    ).toMatchObject({ kind: 'slack-user', userId: 'U0BOB' });
  });

  it('never asks a shared role: a session name that is not an e-mail and not in the map', () => {
    for (const session of [
      'GitHubActions',
      'botocore-session-1700000000',
      'i-0abc1234def567890',
      'terraform',
    ])
      expect(
        personOfActor(
          actor('AssumedRole', `arn:aws:sts::123456789012:assumed-role/Deployer/${session}`),
          'sdk',
        ),
      ).toMatchObject({ kind: 'nobody', reason: expect.stringContaining('shared role') });
  });

  it('asks a shared role session only when the map names that session', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/Deployer/carol-laptop';
    expect(personOfActor(actor('AssumedRole', arn), 'cli', { 'carol-laptop': 'U0CAROL' })).toMatchObject({
      kind: 'slack-user',
      userId: 'U0CAROL',
    });
  });

  it('never asks root, AWS services, service-linked roles, other accounts or web identities', () => {
    const cases: [Pick<Actor, 'type' | 'arn'>, Parameters<typeof personOfActor>[1]][] = [
      [actor('Root', 'arn:aws:iam::123456789012:root'), 'console'],
      [actor('AWSService', null), 'aws-service'],
      [
        actor(
          'AssumedRole',
          'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
        ),
        'aws-service',
      ],
      [
        actor('AssumedRole', 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForECS/ecs@example.com'),
        'sdk',
      ],
      // CloudFormation acting with alice's credentials: nobody clicked this change.
      [actor('IAMUser', 'arn:aws:iam::123456789012:user/alice@example.com'), 'aws-service'],
      [actor('AWSAccount', null), 'sdk'],
      [actor('WebIdentityUser', null), 'sdk'],
      [actor('FederatedUser', 'arn:aws:sts::123456789012:federated-user/alice@example.com'), 'cli'],
      [actor('Unknown', null), 'unknown'],
    ];
    for (const [who, tool] of cases)
      expect(personOfActor(who, tool, { alice: 'U0ALICE', AutoScaling: 'U0AS' })).toMatchObject({
        kind: 'nobody',
      });
  });

  it('ignores a map entry that is not a Slack user id, and text that only looks like an e-mail', () => {
    expect(
      personOfActor(actor('IAMUser', 'arn:aws:iam::1:user/alice'), 'cli', { alice: '<!channel>' }),
    ).toMatchObject({ kind: 'nobody' });
    expect(
      personOfActor(actor('AssumedRole', 'arn:aws:sts::1:assumed-role/R/alice@localhost'), 'cli'),
    ).toMatchObject({ kind: 'nobody' });
  });
});
