import { describeChange } from '../../src/changes/describe';
import type { Change } from '../../src/model/change';
import { fixtureWith, type JsonObject, loadCloudTrailFixture, obj } from '../helpers/cloudtrail-fixtures';

function describeFixture(file: string, edit?: (detail: JsonObject) => void): Change {
  return describeChange(edit === undefined ? loadCloudTrailFixture(file) : fixtureWith(file, edit));
}

const policy = (statement: JsonObject | JsonObject[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('severity rules', () => {
  describe('root', () => {
    it('any call with root credentials is critical', () => {
      const change = describeFixture('iam.CreateAccessKey.root.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(/^The call was made with root credentials\./);
    });

    it('a read-only call by root is still critical', () => {
      const change = describeFixture('iam.CreateAccessKey.root.json', (detail) => {
        detail.eventName = 'GetAccountSummary';
        detail.readOnly = true;
        detail.responseElements = null;
      });

      expect(change.severity).toBe('critical');
    });

    it('root sign-in is critical, and says whether MFA was used', () => {
      const without = describeFixture('signin.ConsoleLogin.root-success.json');
      const withMfa = describeFixture('signin.ConsoleLogin.root-success.json', (detail) => {
        obj(detail.additionalEventData).MFAUsed = 'Yes';
      });

      expect(without.severity).toBe('critical');
      expect(without.reasons[0]).toMatch(/^The root user signed in to the console without MFA\./);
      expect(without.summary).toBe('root signed in to the console without MFA from 192.0.2.0');
      expect(withMfa.severity).toBe('critical');
      expect(withMfa.reasons[0]).toMatch(/^The root user signed in to the console with MFA\./);
    });

    it('a failed root sign-in is critical', () => {
      const change = describeFixture('signin.ConsoleLogin.root-failure.json');

      expect(change.severity).toBe('critical');
      expect(change.outcome).toEqual({ ok: false, errorMessage: 'Failed authentication' });
      expect(change.summary).toBe(
        'root failed to sign in to the console from 192.0.2.0 (Failed authentication)',
      );
    });

    it('root recorded for an AWS service acting on the account (invokedBy) is not root usage', () => {
      const change = describeFixture('ec2.RunInstances.root-invokedby-autoscaling.json');

      expect(change.severity).toBe('info');
      expect(change.reasons[0]).toContain('made by autoscaling.amazonaws.com on the account');
    });

    it('root in a console session (invokedBy signin.amazonaws.com) is root usage', () => {
      expect(describeFixture('iam.CreateAccessKey.root.json').actor.display).toBe('root');
    });
  });

  describe('console sign-in', () => {
    it('an IAM user without MFA is a warning', () => {
      const change = describeFixture('signin.ConsoleLogin.iamuser-success-nomfa.json');

      expect(change.severity).toBe('warning');
      expect(change.reasons).toEqual([
        'anaya signed in to the console with a password only (no MFA); a leaked password is enough to take over this user.',
      ]);
      expect(change.summary).toBe('anaya signed in to the console without MFA from 192.0.2.0');
    });

    it('an IAM user with MFA is info', () => {
      const change = describeFixture('signin.ConsoleLogin.iamuser-success-mfa.json');

      expect(change.severity).toBe('info');
      expect(change.summary).toBe('anaya signed in to the console with MFA from 192.0.2.0');
    });

    it('a failed sign-in is a warning, with no errorCode in the outcome', () => {
      const change = describeFixture('signin.ConsoleLogin.iamuser-failure.json');

      expect(change.severity).toBe('warning');
      expect(change.outcome).toEqual({ ok: false, errorMessage: 'Failed authentication' });
      expect(change.summary).toBe(
        'anaya failed to sign in to the console from 192.0.2.0 (Failed authentication)',
      );
    });

    it('a failed sign-in with a mistyped user name names no one', () => {
      const change = describeFixture('signin.ConsoleLogin.iamuser-failure.json', (detail) => {
        obj(detail.userIdentity).userName = 'HIDDEN_DUE_TO_SECURITY_REASONS';
      });

      expect(change.severity).toBe('warning');
      expect(change.summary).toMatch(/^an unknown IAM user \(name hidden by CloudTrail\) failed to sign in/);
    });

    it('an Identity Center (federated) sign-in is info: MFA is the identity provider’s job', () => {
      const change = describeFixture('signin.ConsoleLogin.assumedrole-sso.json');

      expect(change.severity).toBe('info');
      expect(change.reasons[0]).toMatch(/^Federated console sign-in/);
    });
  });

  describe('CloudTrail tampering', () => {
    it.each([
      ['cloudtrail.StopLogging.json', /^CloudTrail logging was stopped on trail example-trail/],
      ['cloudtrail.DeleteTrail.json', /^Trail example-trail was deleted/],
      [
        'cloudtrail.DeleteTrail.iamuser.json',
        /^Trail stratus-red-team-cloudtraild-trail-kvrwohmiai was deleted/,
      ],
    ])('%s is critical', (file, reason) => {
      const change = describeFixture(file);

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(reason);
    });

    it('UpdateTrail is critical and names what it weakens', () => {
      const change = describeFixture('cloudtrail.StopLogging.json', (detail) => {
        detail.eventName = 'UpdateTrail';
        detail.requestParameters = {
          name: 'example-trail',
          isMultiRegionTrail: false,
          enableLogFileValidation: false,
        };
      });

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toBe(
        'Trail example-trail was reconfigured: the trail no longer records every region; log file integrity validation is turned off. Updating a trail can redirect its logs or narrow what it records.',
      );
      expect(change.details).toContainEqual({ label: 'All regions', value: 'false' });
    });

    it('PutEventSelectors is critical and says when management events are dropped', () => {
      const change = describeFixture('cloudtrail.StopLogging.json', (detail) => {
        detail.eventName = 'PutEventSelectors';
        detail.requestParameters = {
          trailName: 'example-trail',
          eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [] }],
        };
      });

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toContain('management events are no longer recorded');
      expect(change.reasons[0]).toContain('write (mutating) events are no longer recorded');
    });

    it('StartLogging is not tampering', () => {
      const change = describeFixture('cloudtrail.StopLogging.json', (detail) => {
        detail.eventName = 'StartLogging';
      });

      expect(change.severity).toBe('info');
      expect(change.summary).toMatch(/started CloudTrail logging on trail example-trail/);
    });

    it('a denied StopLogging is critical: the attempt to blind CloudTrail is the signal', () => {
      const change = describeFixture('cloudtrail.StopLogging.json', (detail) => {
        detail.errorCode = 'AccessDenied';
        detail.errorMessage = 'User is not authorized to perform: cloudtrail:StopLogging';
      });

      expect(change.severity).toBe('critical');
      expect(change.summary).toBe(
        'role/tester tried to StopLogging on trail example-trail but was denied (AccessDenied)',
      );
      expect(change.reasons[0]).toMatch(
        /^Someone tried to stop logging on trail example-trail \(AccessDenied\)/,
      );
    });

    it('a denied UpdateTrail is a warning', () => {
      const change = describeFixture('cloudtrail.StopLogging.json', (detail) => {
        detail.eventName = 'UpdateTrail';
        detail.errorCode = 'AccessDenied';
      });

      expect(change.severity).toBe('warning');
    });
  });

  describe('public S3 buckets', () => {
    it('a bucket policy granting Principal {"AWS": "*"} is critical', () => {
      const change = describeFixture('s3.PutBucketPolicy.public.json');

      expect(change.severity).toBe('critical');
      expect(change.summary).toBe(
        'role/example-role (session example-user) made bucket example-bucket public with a bucket policy (Principal "*") in us-west-2',
      );
      expect(change.details).toContainEqual({
        label: 'Statement',
        value: 'Allow AWS * (anyone) s3:GetBucketAcl on arn:aws:s3:::example-bucket',
      });
    });

    it('a bucket policy recorded as a JSON string with Principal "*" is critical', () => {
      const change = describeFixture('s3.PutBucketPolicy.public.json', (detail) => {
        obj(detail.requestParameters).bucketPolicy = policy({
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Resource: 'arn:aws:s3:::example-bucket/*',
        });
      });

      expect(change.severity).toBe('critical');
    });

    it('Principal "*" pinned by aws:SourceVpce is a warning; a Deny for everyone is info', () => {
      const pinned = describeFixture('s3.PutBucketPolicy.public.json', (detail) => {
        obj(detail.requestParameters).bucketPolicy = {
          Statement: [
            {
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::example-bucket/*',
              Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1111' } },
            },
          ],
        };
      });
      const deny = describeFixture('s3.PutBucketPolicy.public.json', (detail) => {
        obj(detail.requestParameters).bucketPolicy = {
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: 'arn:aws:s3:::example-bucket/*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        };
      });

      expect(pinned.severity).toBe('warning');
      expect(pinned.reasons[0]).toContain('only under aws:SourceVpce');
      expect(deny.severity).toBe('info');
      expect(deny.summary).toContain('changed the bucket policy of bucket example-bucket');
    });

    it.each([
      ['public-read canned ACL', { 'x-amz-acl': ['public-read'] }],
      ['authenticated-read canned ACL', { 'x-amz-acl': ['authenticated-read'] }],
      [
        'a grant to AllUsers',
        {
          AccessControlPolicy: {
            AccessControlList: {
              Grant: [
                { Grantee: { 'xsi:type': 'CanonicalUser', ID: 'abc' }, Permission: 'FULL_CONTROL' },
                {
                  Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
                  Permission: 'READ',
                },
              ],
            },
          },
        },
      ],
      [
        'an x-amz-grant-read header for AuthenticatedUsers',
        { 'x-amz-grant-read': ['uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'] },
      ],
    ])('a bucket ACL with %s is critical', (_name, parameters) => {
      const change = describeFixture('s3.PutBucketAcl.json', (detail) => {
        detail.requestParameters = {
          bucketName: 'bucket',
          host: ['bucket.s3.us-west-2.amazonaws.com'],
          ...parameters,
        };
      });

      expect(change.severity).toBe('critical');
      expect(change.summary).toMatch(/made bucket bucket public with/);
    });

    it('a private ACL is info', () => {
      expect(describeFixture('s3.PutBucketAcl.json').severity).toBe('info');
    });

    it('removing the public access block is critical', () => {
      const change = describeFixture('s3.DeleteBucketPublicAccessBlock.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(
        /^The S3 public access block of bucket corporate-documents was removed/,
      );
    });

    it('turning public access block flags off is critical, turning them all on is info', () => {
      const weakened = describeFixture('s3.PutBucketPublicAccessBlock.json', (detail) => {
        obj(detail.requestParameters).PublicAccessBlockConfiguration = {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: false,
        };
      });
      const hardened = describeFixture('s3.PutBucketPublicAccessBlock.json', (detail) => {
        obj(detail.requestParameters).PublicAccessBlockConfiguration = {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        };
      });

      expect(weakened.severity).toBe('critical');
      expect(weakened.reasons[0]).toContain('BlockPublicPolicy, RestrictPublicBuckets turned off');
      expect(weakened.details).toContainEqual({ label: 'BlockPublicPolicy', value: 'OFF' });
      expect(hardened.severity).toBe('info');
    });

    it('an account-level public access block removal is critical', () => {
      const change = describeFixture('s3.DeleteBucketPublicAccessBlock.json', (detail) => {
        detail.eventName = 'DeleteAccountPublicAccessBlock';
        detail.requestParameters = {};
      });

      expect(change.severity).toBe('critical');
      expect(change.summary).toContain('removed the S3 public access block from the account');
    });
  });

  describe('administrator grants', () => {
    it.each([
      'iam.AttachUserPolicy.json',
      'iam.AttachRolePolicy.json',
      'iam.AttachRolePolicy.assumedrole.json',
    ])('attaching AdministratorAccess (%s) is critical', (file) => {
      const change = describeFixture(file);

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(/^AdministratorAccess was attached to (user|role) /);
    });

    it('attaching AdministratorAccess to a group is critical, a read-only policy is info', () => {
      const group = describeFixture('iam.AttachUserPolicy.json', (detail) => {
        detail.eventName = 'AttachGroupPolicy';
        detail.requestParameters = {
          groupName: 'Ops',
          policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        };
      });
      const readOnly = describeFixture('iam.AttachUserPolicy.json', (detail) => {
        obj(detail.requestParameters).policyArn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
      });

      expect(group.severity).toBe('critical');
      expect(group.summary).toBe('christophe attached AdministratorAccess to group Ops');
      expect(readOnly.severity).toBe('info');
    });

    it('an inline policy allowing * on * is critical (PutRolePolicy)', () => {
      const change = describeFixture('iam.PutRolePolicy.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(
        /^Inline policy inline-admin on role stratus-red-team-malicious-iam-role allows every action/,
      );
    });

    it('PutUserPolicy with "*:*" in an action list is critical; a scoped policy is info', () => {
      const admin = describeFixture('iam.PutRolePolicy.json', (detail) => {
        detail.eventName = 'PutUserPolicy';
        detail.requestParameters = {
          userName: 'bob',
          policyName: 'p',
          policyDocument: policy([{ Effect: 'Allow', Action: ['s3:GetObject', '*:*'], Resource: ['*'] }]),
        };
      });
      const scoped = describeFixture('iam.PutRolePolicy.json', (detail) => {
        obj(detail.requestParameters).policyDocument = policy({
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
        });
      });

      expect(admin.severity).toBe('critical');
      expect(admin.summary).toContain('gave user bob full admin');
      expect(scoped.severity).toBe('info');
    });

    it('a new default policy version allowing * on * is critical; a new policy is a warning', () => {
      const version = describeFixture('iam.PutRolePolicy.json', (detail) => {
        detail.eventName = 'CreatePolicyVersion';
        detail.requestParameters = {
          policyArn: 'arn:aws:iam::609418236337:policy/Deploy',
          policyDocument: policy({ Effect: 'Allow', Action: '*', Resource: '*' }),
          setAsDefault: true,
        };
      });
      const created = describeFixture('iam.PutRolePolicy.json', (detail) => {
        detail.eventName = 'CreatePolicy';
        detail.requestParameters = {
          policyName: 'Deploy',
          policyDocument: policy({ Effect: 'Allow', Action: '*', Resource: '*' }),
        };
      });

      expect(version.severity).toBe('critical');
      expect(created.severity).toBe('warning');
      expect(created.resources).toContainEqual({ type: 'iam-policy', id: 'Deploy' });
    });
  });

  describe('administrator access by another name', () => {
    const inline = (document: JsonObject | JsonObject[]) =>
      describeFixture('iam.PutRolePolicy.json', (detail) => {
        obj(detail.requestParameters).policyDocument = policy(document);
      });
    const attached = (policyArn: string) =>
      describeFixture('iam.AttachUserPolicy.json', (detail) => {
        obj(detail.requestParameters).policyArn = policyArn;
      });

    it('NotAction on every resource is critical and names the statement and what it leaves out', () => {
      const change = describeFixture('iam.PutUserPolicy.notaction.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toBe(
        'Inline policy everything-but-s3 on user christophe allows every action except s3:* on every resource (statement "Everything"): administrator access in all but name.',
      );
    });

    it.each([
      ['**', '*'],
      ['*:**', '*'],
      ['?*:*', 'arn:*'],
      ['*:*', 'arn:aws:*'],
      ['*', 'arn:aws:*:*:*:*'],
    ])('Action %j on Resource %j is full administrator access', (action, resource) => {
      const change = inline({ Effect: 'Allow', Action: action, Resource: resource });

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toContain('allows every action on every resource (statement 1');
      expect(change.summary).toContain('full admin');
    });

    it('a wildcard that leaves out two-letter services (s3) is not every action, but still reaches IAM', () => {
      const change = inline({ Effect: 'Allow', Action: '*???:*', Resource: '*' });

      expect(change.reasons[0]).not.toContain('every action on every resource');
      expect(change.reasons[0]).toContain('can grant itself administrator access');
    });

    it('a wildcard spelling in a later statement without Sid is named by its position', () => {
      const change = describeFixture('iam.PutGroupPolicy.wildcard-spelling.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toBe(
        'Inline policy dev-tools on group developers allows every action on every resource (statement 2: "Action": "?*:*", "Resource": "arn:*"): full administrator access.',
      );
    });

    it('iam:* in a URL-encoded new default policy version is critical: it can grant itself anything', () => {
      const change = describeFixture('iam.CreatePolicyVersion.urlencoded.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toBe(
        'The new default version of managed policy ci-deploy allows iam:* on every resource (statement "ManageIdentities"): whoever holds it can grant itself administrator access (for example with iam:AttachUserPolicy). Everyone it is attached to now can.',
      );
    });

    it('one privilege-escalating IAM action on every user is critical; on a narrow path it is info', () => {
      const wide = inline({ Sid: 'Keys', Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: '*' });
      const ownAccount = inline({
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy'],
        Resource: 'arn:aws:iam::609418236337:role/*',
      });
      const narrow = inline({
        Effect: 'Allow',
        Action: 'iam:CreateAccessKey',
        Resource: 'arn:aws:iam::609418236337:user/service/ci-*',
      });

      expect(wide.severity).toBe('critical');
      expect(wide.reasons[0]).toContain('allows iam:CreateAccessKey on every resource (statement "Keys")');
      expect(ownAccount.severity).toBe('critical');
      expect(ownAccount.reasons[0]).toContain(
        'allows iam:AttachRolePolicy on arn:aws:iam::609418236337:role/*',
      );
      expect(narrow.severity).toBe('info');
    });

    it('iam:PassRole on every role is a warning that says why', () => {
      const change = describeFixture('iam.PutRolePolicy.passrole.json');

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toBe(
        'Inline policy pass-any-role on role stratus-red-team-malicious-iam-role allows iam:PassRole on every resource (statement "PassAnyRole"): whoever holds it can hand any role to a service it controls (an EC2 instance, a Lambda function) and act with that role\'s permissions.',
      );
    });

    it('Deny statements, and Allow statements on one bucket, are not administrator access', () => {
      expect(inline({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }).severity).toBe('info');
      expect(inline({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs/*' }).severity).toBe('info');
      expect(inline({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:*' }).severity).toBe('info');
    });

    it.each([
      ['IAMFullAccess', 'critical', /every IAM action/],
      ['PowerUserAccess', 'critical', /every action except IAM, Organizations and Account management/],
      ['AdministratorAccess-Amplify', 'critical', /as powerful as AdministratorAccess/],
      ['AWSLambda_FullAccess', 'warning', /iam:PassRole on every role/],
    ])('attaching the AWS managed %s is %s', (name, severity, why) => {
      const change = attached(`arn:aws:iam::aws:policy/${name}`);

      expect(change.severity).toBe(severity);
      expect(change.reasons[0]).toMatch(new RegExp(`^${name} was attached to user malicious-iam-user: `));
      expect(change.reasons[0]).toMatch(why);
    });

    it('IAMFullAccess from the corpus-shaped attach call is critical', () => {
      expect(describeFixture('iam.AttachUserPolicy.iamfullaccess.json').severity).toBe('critical');
    });

    it('a customer policy that only borrows an AWS name is not rated by that name', () => {
      expect(attached('arn:aws:iam::609418236337:policy/IAMFullAccess').severity).toBe('info');
    });

    it('a new managed policy with NotAction on every resource is a warning until it is attached', () => {
      const change = describeFixture('iam.PutRolePolicy.json', (detail) => {
        detail.eventName = 'CreatePolicy';
        detail.requestParameters = {
          policyName: 'almost-admin',
          policyDocument: policy({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
        };
      });

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toMatch(
        /^Managed policy almost-admin was created and allows every action except iam:\*, organizations:\* on every resource \(statement 1\)/,
      );
    });
  });

  describe('names with invisible characters', () => {
    it('a resource whose name hides a zero-width space is a warning that shows it', () => {
      const change = describeFixture('iam.CreateUser.invisible-name.json');

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toBe(
        'The name of IAM user ad⟨U+200B⟩min contains an invisible character (U+200B): it reads as "admin" but is a different name, a known way to pass one identity or resource off as another.',
      );
    });

    it('a caller whose name hides bidi and tag characters is a warning too', () => {
      const change = describeFixture('iam.CreateUser.json', (detail) => {
        const identity = obj(detail.userIdentity);
        identity.userName = 'chris\u202Etophe\u{E0041}';
        identity.arn = 'arn:aws:iam::229654561268:user/chris\u202Etophe\u{E0041}';
      });

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toBe(
        'The name of the caller (IAMUser chris⟨U+202E⟩tophe⟨U+E0041⟩) contains invisible characters (U+202E, U+E0041): it reads as "christophe" but is a different name, a known way to pass one identity or resource off as another.',
      );
    });

    it('plain names and emoji are not flagged', () => {
      expect(describeFixture('iam.CreateUser.json').severity).toBe('info');
      expect(
        describeFixture('iam.CreateUser.json', (detail) => {
          obj(detail.requestParameters).userName = 'deploy-👩‍💻';
        }).severity,
      ).toBe('info');
    });
  });

  describe('trust policies', () => {
    it('Principal "*" is critical, even behind an external ID', () => {
      const change = describeFixture('iam.UpdateAssumeRolePolicy.json');

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toContain('lets anyone in any AWS account assume it');
      expect(change.reasons[0]).toContain('an external ID is a shared string, not a secret');
    });

    it('another account is critical (CreateRole and UpdateAssumeRolePolicy)', () => {
      const created = describeFixture('iam.CreateRole.json');
      const updated = describeFixture('iam.UpdateAssumeRolePolicy.iamuser.json');

      expect(created.severity).toBe('critical');
      expect(created.summary).toBe(
        'christophe created role stratus-red-team-malicious-iam-role trusting account 193672423079',
      );
      expect(updated.severity).toBe('critical');
      expect(updated.details).toContainEqual({
        label: 'Trusted principal',
        value: 'Allow AWS arn:aws:iam::193672423079:root (another account: 193672423079)',
      });
    });

    it('the same account, a bare account id elsewhere, and service principals', () => {
      const trust = (principal: JsonObject): Change =>
        describeFixture('iam.CreateRole.json', (detail) => {
          obj(detail.requestParameters).assumeRolePolicyDocument = policy({
            Effect: 'Allow',
            Principal: principal,
            Action: 'sts:AssumeRole',
          });
        });

      expect(trust({ AWS: 'arn:aws:iam::609418236337:root' }).severity).toBe('info');
      expect(trust({ Service: 'lambda.amazonaws.com' }).severity).toBe('info');
      expect(trust({ AWS: '111122223333' }).severity).toBe('critical');
      expect(
        trust({ AWS: ['arn:aws:iam::609418236337:role/ci', 'arn:aws:iam::444455556666:user/x'] }).severity,
      ).toBe('critical');
    });

    it('Principal "*" limited to the organization is a warning', () => {
      const change = describeFixture('iam.CreateRole.json', (detail) => {
        obj(detail.requestParameters).assumeRolePolicyDocument = policy({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
        });
      });

      expect(change.severity).toBe('warning');
    });
  });

  describe('access keys', () => {
    it('a new access key for another user is a warning that says so', () => {
      const change = describeFixture('iam.CreateAccessKey.json');

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).toContain('creating one for another user is a known persistence technique');
      expect(change.resources).toContainEqual({ type: 'access-key', id: 'AKIAXAFZN8JEPF6L682H' });
    });

    it('a new access key for oneself is a warning', () => {
      const change = describeFixture('iam.CreateAccessKey.json', (detail) => {
        detail.requestParameters = null;
        obj(obj(detail.responseElements).accessKey).userName = 'christophe';
      });

      expect(change.severity).toBe('warning');
      expect(change.reasons[0]).not.toContain('another user');
    });

    it('root creating an access key is critical', () => {
      const change = describeFixture('iam.CreateAccessKey.root.json');

      expect(change.severity).toBe('critical');
      expect(change.summary).toBe('root created access key 1111 for the root user');
    });

    it('a secret key is never copied into the change', () => {
      const change = describeFixture('iam.CreateAccessKey.json', (detail) => {
        obj(obj(detail.responseElements).accessKey).secretAccessKey =
          'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
      });

      expect(JSON.stringify(change)).not.toContain('wJalrXUtnFEMI');
    });
  });

  describe('denied, failed and dry-run calls', () => {
    it.each([
      'AccessDenied',
      'AccessDeniedException',
      'UnauthorizedOperation',
      'Client.UnauthorizedOperation',
    ])('%s is a warning: someone tried', (errorCode) => {
      const change = describeFixture('iam.CreateUser.json', (detail) => {
        detail.errorCode = errorCode;
        detail.responseElements = null;
      });

      expect(change.severity).toBe('warning');
      expect(change.outcome).toEqual({ ok: false, errorCode });
      expect(change.summary).toBe(
        `christophe tried to CreateUser for user malicious-iam-user but was denied (${errorCode})`,
      );
    });

    it('an EC2 UnauthorizedOperation keeps its (encoded) message, bounded', () => {
      const change = describeFixture('ec2.RunInstances.unauthorized.json');

      expect(change.severity).toBe('warning');
      expect(change.outcome.errorCode).toBe('Client.UnauthorizedOperation');
      expect(change.outcome.errorMessage).toMatch(/^You are not authorized to perform this operation\./);
    });

    it('any other failure is info: nothing changed', () => {
      const change = describeFixture('iam.CreateUser.error.json');

      expect(change.severity).toBe('info');
      expect(change.reasons).toEqual(['The call failed (EntityAlreadyExists), so nothing changed.']);
    });

    it('a dry run is info and flagged', () => {
      const change = describeFixture('ec2.RunInstances.dryrun.json');

      expect(change.severity).toBe('info');
      expect(change.dryRun).toBe(true);
      expect(change.reasons).toEqual([
        "Dry run (Client.DryRunOperation): EC2 only checked the caller's permissions; nothing changed.",
      ]);
    });
  });

  describe('organizations', () => {
    it('a denied LeaveOrganization is critical', () => {
      const change = describeFixture('organizations.LeaveOrganization.member-accessdenied.json');

      expect(change.severity).toBe('critical');
      expect(change.summary).toBe(
        'role/SampleRole (session SampleSession) tried to LeaveOrganization but was denied (AccessDenied)',
      );
    });

    it('a successful LeaveOrganization is critical', () => {
      const change = describeFixture('organizations.LeaveOrganization.stratus.json', (detail) => {
        delete detail.errorCode;
        delete detail.errorMessage;
      });

      expect(change.severity).toBe('critical');
      expect(change.reasons[0]).toMatch(/^Account 307578594326 left its AWS Organization/);
      expect(change.summary).toMatch(/took account 307578594326 out of its AWS Organization$/);
    });
  });

  it('replacing instance user data is a warning', () => {
    const change = describeFixture('ec2.ModifyInstanceAttribute.userdata.json');

    expect(change.severity).toBe('warning');
    expect(change.reasons[0]).toMatch(/^The user data of instance i-DDd6c7B0e18F0E35f was replaced/);
  });

  it('a routine change is info, and says no rule applies', () => {
    const change = describeFixture('ec2.CreateVpc.json');

    expect(change.severity).toBe('info');
    expect(change.reasons).toEqual(['No risk rule applies: a routine ec2 change.']);
  });

  it('reasons are ordered most severe first', () => {
    const change = describeFixture('organizations.LeaveOrganization.stratus.json');

    expect(change.reasons).toHaveLength(2);
    expect(change.reasons[0]).toMatch(/^Someone tried to take account/);
    expect(change.reasons[1]).toMatch(/^The call was denied \(AccessDenied\)/);
  });
});
