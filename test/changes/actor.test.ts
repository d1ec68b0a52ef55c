import { describeChange } from '../../src/changes/describe';
import type { Actor } from '../../src/model/change';
import { fixtureWith, type JsonObject, loadCloudTrailFixture } from '../helpers/cloudtrail-fixtures';

/** The actor of an IAM CreateUser call made by `userIdentity` (no console flags, no user agent hints). */
function actorOf(userIdentity: JsonObject, edit: (detail: JsonObject) => void = () => {}): Actor {
  const event = fixtureWith('iam.CreateUser.json', (detail) => {
    detail.userIdentity = userIdentity;
    edit(detail);
  });
  return describeChange(event).actor;
}

describe('actor', () => {
  it('Root is "root", with its ARN', () => {
    const actor = actorOf({
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
    });

    expect(actor).toEqual({
      type: 'Root',
      arn: 'arn:aws:iam::111122223333:root',
      display: 'root',
      viaConsole: false,
      mfa: null,
    });
  });

  it('Root invoked by an AWS service says which service acted', () => {
    const change = describeChange(loadCloudTrailFixture('ec2.RunInstances.root-invokedby-autoscaling.json'));

    expect(change.actor.display).toBe('root (via autoscaling.amazonaws.com)');
    expect(change.summary).toMatch(
      /^root \(via autoscaling\.amazonaws\.com\) launched 2 t2\.micro instances/,
    );
  });

  it('IAMUser is the user name', () => {
    const actor = actorOf({
      type: 'IAMUser',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      arn: 'arn:aws:iam::123456789012:user/alice',
      accountId: '123456789012',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
    });

    expect(actor.type).toBe('IAMUser');
    expect(actor.display).toBe('alice');
    expect(actor.mfa).toBeNull();
  });

  it('IAMUser without userName falls back to the ARN, then the principal id', () => {
    expect(actorOf({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/team/bob' }).display).toBe('bob');
    expect(actorOf({ type: 'IAMUser', principalId: 'AIDAEXAMPLE' }).display).toBe('IAM user AIDAEXAMPLE');
    expect(actorOf({ type: 'IAMUser' }).display).toBe('an IAM user');
  });

  it('a sign-in with a mistyped user name is an unknown IAM user, not the hidden placeholder', () => {
    const actor = actorOf({
      type: 'IAMUser',
      accountId: '123456789012',
      userName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    });

    expect(actor.display).toBe('an unknown IAM user (name hidden by CloudTrail)');
  });

  it('AssumedRole is role/<name> (session <session>), MFA from the session context', () => {
    const actor = actorOf({
      type: 'AssumedRole',
      principalId: 'AROAIDPPEZS35WEXAMPLE:bob@example.com',
      arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/bob@example.com',
      accountId: '123456789012',
      sessionContext: {
        attributes: { mfaAuthenticated: 'true', creationDate: '2024-01-01T00:00:00Z' },
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAIDPPEZS35WEXAMPLE',
          arn: 'arn:aws:iam::123456789012:role/ops/Deployer',
          accountId: '123456789012',
          userName: 'Deployer',
        },
      },
    });

    expect(actor.type).toBe('AssumedRole');
    expect(actor.display).toBe('role/Deployer (session bob@example.com)');
    expect(actor.arn).toBe('arn:aws:sts::123456789012:assumed-role/Deployer/bob@example.com');
    expect(actor.mfa).toBe(true);
  });

  it('AssumedRole without an ARN uses the session issuer and the principal id', () => {
    const actor = actorOf({
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:carol',
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'Auditor' } },
    });

    expect(actor.display).toBe('role/Auditor (session carol)');
    expect(actor.arn).toBeNull();
  });

  it('AssumedRole with nothing but its type still gets a name', () => {
    expect(actorOf({ type: 'AssumedRole' }).display).toBe('an assumed role');
  });

  it('IAM Identity Center (SSO) roles show the person and the permission set', () => {
    const change = describeChange(loadCloudTrailFixture('ec2.CreateVpc.json'));

    expect(change.actor.type).toBe('AssumedRole');
    expect(change.actor.display).toBe('paul@cloudandthings.io (SSO AWSAdministratorAccess)');
  });

  it('SSO permission-set names may contain underscores', () => {
    const actor = actorOf({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Read_Only_Admin_0123456789abcdef/alice@corp',
    });

    expect(actor.display).toBe('alice@corp (SSO Read_Only_Admin)');
  });

  it('service-linked roles are shown as the AWS service', () => {
    const change = describeChange(loadCloudTrailFixture('ec2.TerminateInstances.autoscaling.json'));

    expect(change.actor.display).toBe(
      'AWS service autoscaling.amazonaws.com (role AWSServiceRoleForAutoScaling)',
    );
  });

  it('FederatedUser is federated-user/<name>, with the IAM user that issued it', () => {
    const actor = actorOf({
      type: 'FederatedUser',
      principalId: '123456789012:dave',
      arn: 'arn:aws:sts::123456789012:federated-user/dave',
      accountId: '123456789012',
      sessionContext: {
        attributes: { mfaAuthenticated: 'false', creationDate: '2024-01-01T00:00:00Z' },
        sessionIssuer: {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLE',
          arn: 'arn:aws:iam::123456789012:user/broker',
          accountId: '123456789012',
          userName: 'broker',
        },
      },
    });

    expect(actor.type).toBe('FederatedUser');
    expect(actor.display).toBe('federated-user/dave (issued by broker)');
    expect(actor.mfa).toBe(false);
  });

  it('AWSService is the invoking service', () => {
    const change = describeChange(loadCloudTrailFixture('sts.AssumeRole.awsservice.json'));

    expect(change.actor).toEqual({
      type: 'AWSService',
      arn: null,
      display: 'AWS service ec2.amazonaws.com',
      viaConsole: false,
      mfa: null,
    });
  });

  it('AWSAccount is the other account and its principal', () => {
    const actor = actorOf({
      type: 'AWSAccount',
      principalId: 'AIDAEXAMPLE:session',
      accountId: '444455556666',
    });

    expect(actor.type).toBe('AWSAccount');
    expect(actor.display).toBe('AWS account 444455556666 (principal AIDAEXAMPLE:session)');
  });

  it('IdentityCenterUser is named by user name, else by its identity-store user id', () => {
    const onBehalfOf = {
      userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      identityStoreArn: 'arn:aws:identitystore::123456789012:identitystore/d-9067642ac7',
    };
    const withId = actorOf({
      type: 'IdentityCenterUser',
      accountId: '123456789012',
      onBehalfOf,
      credentialId: 'X',
    });
    const withName = actorOf({ type: 'IdentityCenterUser', userName: 'alice@corp', onBehalfOf });
    const bare = actorOf({ type: 'IdentityCenterUser' });

    expect(withId.type).toBe('IdentityCenterUser');
    expect(withId.display).toBe('Identity Center user 544894e8-80c1-707f-60e3-3ba6510dfac1');
    expect(withName.display).toBe('Identity Center user alice@corp');
    expect(bare.display).toBe('an Identity Center user');
  });

  it('WebIdentityUser and SAMLUser name the user and the identity provider', () => {
    const web = actorOf({
      type: 'WebIdentityUser',
      principalId: 'accounts.google.com:app.apps.googleusercontent.com:user-id',
      userName: 'user-id',
      identityProvider: 'accounts.google.com',
    });
    const saml = actorOf({
      type: 'SAMLUser',
      principalId: 'SAMLExampleProvider:alice',
      userName: 'alice',
      identityProvider: 'SAMLExampleProvider',
    });

    expect(web).toMatchObject({
      type: 'WebIdentityUser',
      display: 'web identity user user-id (accounts.google.com)',
    });
    expect(saml).toMatchObject({ type: 'SAMLUser', display: 'SAML user alice (SAMLExampleProvider)' });
  });

  it('an unknown or missing identity type is Unknown, named from whatever is there', () => {
    expect(actorOf({ type: 'Directory', arn: 'arn:aws:ds::1:user/x' })).toMatchObject({
      type: 'Unknown',
      display: 'arn:aws:ds::1:user/x',
    });
    expect(actorOf({ principalId: 'SOMEID' })).toMatchObject({ type: 'Unknown', display: 'SOMEID' });
    expect(actorOf({})).toMatchObject({ type: 'Unknown', display: 'an unknown caller', arn: null });
  });

  it('bounds an absurdly long name', () => {
    const actor = actorOf({ type: 'IAMUser', userName: 'a'.repeat(5000) });

    expect(actor.display.length).toBeLessThan(200);
    expect(actor.display).toMatch(/… \(\d+ more characters\)$/);
  });

  describe('viaConsole', () => {
    it('is true for sign-ins, console-session credentials and console agents', () => {
      expect(
        describeChange(loadCloudTrailFixture('signin.ConsoleLogin.root-success.json')).actor.viaConsole,
      ).toBe(true);
      expect(describeChange(loadCloudTrailFixture('ec2.CreateVpc.json')).actor.viaConsole).toBe(true);
      expect(
        describeChange(loadCloudTrailFixture('ec2.RevokeSecurityGroupIngress.json')).actor.viaConsole,
      ).toBe(true);
      expect(describeChange(loadCloudTrailFixture('cloudtrail.StopLogging.json')).actor.viaConsole).toBe(
        true,
      );
    });

    it('is false for CLI, SDK and service calls', () => {
      expect(describeChange(loadCloudTrailFixture('ec2.StopInstances.docs.json')).actor.viaConsole).toBe(
        false,
      );
      expect(describeChange(loadCloudTrailFixture('ec2.CreateSecurityGroup.json')).actor.viaConsole).toBe(
        false,
      );
      // CloudFormation acted for the role; the browser-like agent of this Panther fixture does not make it a console session.
      expect(describeChange(loadCloudTrailFixture('cloudtrail.DeleteTrail.json')).actor.viaConsole).toBe(
        false,
      );
    });
  });

  describe('mfa', () => {
    it('comes from MFAUsed on IAM user and root sign-ins', () => {
      expect(
        describeChange(loadCloudTrailFixture('signin.ConsoleLogin.iamuser-success-mfa.json')).actor.mfa,
      ).toBe(true);
      expect(describeChange(loadCloudTrailFixture('signin.ConsoleLogin.root-success.json')).actor.mfa).toBe(
        false,
      );
    });

    it('is unknown for federated sign-ins, where the identity provider does MFA', () => {
      const change = describeChange(loadCloudTrailFixture('signin.ConsoleLogin.assumedrole-sso.json'));

      expect(change.actor.mfa).toBeNull();
      expect(change.summary).not.toContain('MFA');
    });

    it('is unknown for long-term access keys (no session context)', () => {
      expect(describeChange(loadCloudTrailFixture('iam.AttachUserPolicy.json')).actor.mfa).toBeNull();
    });
  });
});
