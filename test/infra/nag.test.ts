import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { synthesizedDeployment, synthesizeVariant } from '../helpers/cloud-assembly';

/** Every cdk-nag acknowledgement in the tree: rule id, where, and the reason given. */
function acknowledgements(root: IConstruct): { id: string; path: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          path: construct.node.path,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('passed when the shared assembly was synthesized (synth fails on any unacknowledged finding)', () => {
    // The synthesis would have thrown: the report stays as the record.
    expect(synthesizedDeployment().dir).toBeTruthy();
  });

  it.each([
    ['the test configuration', {}],
    [
      'an Organization, no trail, no reservation',
      {
        memberAccounts: [],
        organizationId: 'o-a1b2c3d4e5',
        createTrail: false,
        slackReservedConcurrency: null,
      },
    ],
    ['a configured acknowledgement bus', { eventBusName: 'ops-events' }],
  ])('finds nothing unacknowledged with %s', (_name, overrides) => {
    // Prepare
    const { app } = synthesizeVariant(overrides);
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);
    // Assess
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges each finding on one resource, with a specific reason', () => {
    const { app } = synthesizeVariant({});
    // (CDK itself acknowledges a CloudFormation-Validate rule on the access-log bucket it configures.)
    const found = acknowledgements(app).filter(({ id }) => id.includes('AwsSolutions'));
    expect(found.map(({ id }) => id).sort()).toEqual([
      // cloudtrail:LookupEvents (no resource-level permissions): the reconcile function, the forwarder's role.
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^Annotation::AwsSolutions-IAM5\[Resource::<DigestFunction\w+\.Arn>:\*\]$/),
      expect.stringMatching(/^Annotation::AwsSolutions-IAM5\[Resource::<ReconcileFunction\w+\.Arn>:\*\]$/),
      expect.stringMatching(/^Annotation::AwsSolutions-IAM5\[Resource::<SweepFunction\w+\.Arn>:\*\]$/),
      'Annotation::AwsSolutions-SMG4',
    ]);
    for (const { path, reason } of found) {
      expect(path).not.toMatch(/^InfraWatch(Forwarder)?$/); // never a whole stack
      expect(reason.length).toBeGreaterThan(80);
    }
  });
});
