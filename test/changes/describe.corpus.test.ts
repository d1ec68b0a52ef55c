import { describeChange } from '../../src/changes/describe';
import type { Severity } from '../../src/model/severity';
import {
  cloudTrailFixtureFiles,
  cloudTrailFixtureIndex,
  loadCloudTrailFixture,
} from '../helpers/cloudtrail-fixtures';

/**
 * The severity every corpus event must get. Each value is a decision (see the reasons in the snapshots):
 * a change here must be argued, not just re-recorded.
 */
const EXPECTED_SEVERITY: Readonly<Record<string, Severity>> = {
  // CloudTrail tampering: critical, and so is a failed attempt to stop or delete a trail.
  'cloudtrail.DeleteTrail.iamuser.json': 'critical',
  'cloudtrail.DeleteTrail.json': 'critical',
  'cloudtrail.StopLogging.error.json': 'critical',
  'cloudtrail.StopLogging.json': 'critical',
  'ec2.AssociateRouteTable.json': 'info',
  'ec2.AttachInternetGateway.json': 'info',
  // tcp/4444 to one /32: egress, not world-open ingress.
  'ec2.AuthorizeSecurityGroupEgress.json': 'info',
  // RequestExpired: nothing changed, and 127.0.0.1/32 is not world-open anyway.
  'ec2.AuthorizeSecurityGroupIngress.error.json': 'info',
  // 208.236.235.254/0 is the anonymiser's rewrite of 0.0.0.0/0: still a /0.
  'ec2.AuthorizeSecurityGroupIngress.flat-params-stratus.json': 'critical',
  // tcp/22 from a /24: not world-open.
  'ec2.AuthorizeSecurityGroupIngress.iamuser.json': 'info',
  'ec2.AuthorizeSecurityGroupIngress.ipv6-open-world.json': 'critical',
  // ::/1 and 8000::/1 as two rules: together every IPv6 address (all of 2000::/3 is in ::/1).
  'ec2.AuthorizeSecurityGroupIngress.ipv6-split-rules.json': 'critical',
  // tcp/22 from 10/8, 172.16/12, 192.168/16, 100.64/10 and fc00::/7: large, but none of it is public.
  'ec2.AuthorizeSecurityGroupIngress.private-ranges.json': 'info',
  'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json': 'critical',
  // 0.0.0.0/1 + 128.0.0.0/1: the whole internet without a /0.
  'ec2.AuthorizeSecurityGroupIngress.ssh-split-halves.json': 'critical',
  'ec2.CreateInternetGateway.json': 'info',
  'ec2.CreateRoute.json': 'info',
  'ec2.CreateRouteTable.json': 'info',
  'ec2.CreateSecurityGroup.json': 'info',
  'ec2.CreateVpc.json': 'info',
  'ec2.DeleteRoute.json': 'info',
  'ec2.DeleteSecurityGroup.json': 'info',
  'ec2.DeleteVpc.json': 'info',
  // New user data runs as root at next boot.
  'ec2.ModifyInstanceAttribute.userdata.json': 'warning',
  // tcp/22 from 0.0.0.0/0 on a rule whose direction CloudTrail does not record: assumed inbound.
  'ec2.ModifySecurityGroupRules.json': 'critical',
  // 0.0.0.0/0 added to a prefix list: every rule that refers to it is open, on ports the event does not name.
  'ec2.ModifyManagedPrefixList.open-world.json': 'warning',
  'ec2.ReplaceRoute.json': 'info',
  'ec2.RevokeSecurityGroupEgress.json': 'info',
  'ec2.RevokeSecurityGroupIngress.json': 'info',
  'ec2.RunInstances.dryrun.json': 'info',
  'ec2.RunInstances.json': 'info',
  // Root identity, but invoked by Auto Scaling: no person used root (CIS excludes invokedBy too).
  'ec2.RunInstances.root-invokedby-autoscaling.json': 'info',
  'ec2.RunInstances.unauthorized.json': 'warning',
  'ec2.StartInstances.json': 'info',
  'ec2.StopInstances.docs.json': 'info',
  'ec2.StopInstances.json': 'info',
  'ec2.TerminateInstances.autoscaling.json': 'info',
  'ec2.TerminateInstances.json': 'info',
  'iam.AttachRolePolicy.assumedrole.json': 'critical',
  'iam.AttachRolePolicy.json': 'critical',
  'iam.AttachUserPolicy.iamfullaccess.json': 'critical',
  'iam.AttachUserPolicy.json': 'critical',
  'iam.CreateAccessKey.json': 'warning',
  'iam.CreateAccessKey.root.json': 'critical',
  // Trust to another account's root.
  'iam.CreatePolicyVersion.urlencoded.json': 'critical',
  'iam.CreateRole.json': 'critical',
  'iam.CreateUser.docs.json': 'info',
  'iam.CreateUser.error.json': 'info',
  // A zero-width space inside "admin": a name that passes for another.
  'iam.CreateUser.invisible-name.json': 'warning',
  'iam.CreateUser.json': 'info',
  'iam.PutGroupPolicy.wildcard-spelling.json': 'critical',
  'iam.PutRolePolicy.json': 'critical',
  // iam:PassRole on *: escalation only through a service that can use a powerful role.
  'iam.PutRolePolicy.passrole.json': 'warning',
  'iam.PutUserPolicy.notaction.json': 'critical',
  'iam.UpdateAssumeRolePolicy.iamuser.json': 'critical',
  'iam.UpdateAssumeRolePolicy.json': 'critical',
  // LeaveOrganization is critical even when denied: the attempt is the signal.
  'organizations.LeaveOrganization.member-accessdenied.json': 'critical',
  'organizations.LeaveOrganization.stratus.json': 'critical',
  's3.DeleteBucketPolicy.json': 'info',
  's3.DeleteBucketPublicAccessBlock.accessdenied.json': 'warning',
  's3.DeleteBucketPublicAccessBlock.json': 'critical',
  // x-amz-acl private.
  's3.PutBucketAcl.json': 'info',
  's3.PutBucketPolicy.accessdenied.json': 'warning',
  's3.PutBucketPolicy.public.json': 'critical',
  // CloudTrail did not record the new configuration: cannot tell whether public access is still blocked.
  's3.PutBucketPublicAccessBlock.json': 'warning',
  // Identity Center sign-in: MFA happens at the identity provider.
  'signin.ConsoleLogin.assumedrole-sso.json': 'info',
  'signin.ConsoleLogin.iamuser-failure.json': 'warning',
  'signin.ConsoleLogin.iamuser-success-mfa.json': 'info',
  'signin.ConsoleLogin.iamuser-success-nomfa.json': 'warning',
  // Every SCP of the organization detached at once.
  'organizations.DisablePolicyType.scp.json': 'critical',
  // The account escapes SCPs, organization trails and central tooling.
  'organizations.RemoveAccountFromOrganization.json': 'critical',
  // An SCP rewritten to allow everything and deny nothing restricts nothing.
  'organizations.UpdatePolicy.allow-all.json': 'critical',
  'signin.ConsoleLogin.root-failure.json': 'critical',
  'signin.ConsoleLogin.root-success.json': 'critical',
  'signin.ConsoleLogin.stratus-iamuser.json': 'warning',
  'sts.AssumeRole.awsservice.json': 'info',
};

const FILES = cloudTrailFixtureFiles();

describe('describeChange over the CloudTrail corpus', () => {
  it('covers every fixture of the index, and the expectations cover every fixture', () => {
    // Assess
    expect(FILES).toHaveLength(76);
    expect(
      cloudTrailFixtureIndex()
        .map((entry) => entry.file)
        .sort(),
    ).toEqual(FILES);
    expect(Object.keys(EXPECTED_SEVERITY).sort()).toEqual(FILES);
  });

  it.each(FILES)('%s', (file) => {
    // Prepare
    const event = loadCloudTrailFixture(file);
    const detail = event.detail as Record<string, unknown>;

    // Act
    const change = describeChange(event);

    // Assess
    expect(change.severity).toBe(EXPECTED_SEVERITY[file]);
    expect(change.reasons.length).toBeGreaterThan(0);
    expect(change.eventName).toBe(detail.eventName);
    expect(change.id).toBe(detail.eventID ?? event.id);
    expect(change.summary.length).toBeGreaterThan(10);
    expect(change.summary).not.toMatch(/undefined|\bnull\b|\[object|NaN/);
    expect(change.summary.startsWith(change.actor.display)).toBe(true);
    expect(change.summary).not.toContain('\n');
    for (const reason of change.reasons) expect(reason).toMatch(/^[A-Za-z0-9].*[.)]$/s);
    for (const { label, value } of change.details) {
      expect(label).not.toBe('');
      expect(value).not.toMatch(/^(undefined|null|\[object Object\])$/);
    }
    expect(change).toMatchSnapshot();
  });
});
