import { REPO_ROOT } from '../../infra/constructs/infrawatch-function';
import { watchRuleDescription } from '../../infra/constructs/watch-rules';
import { centralBusArn } from '../../infra/stacks/forwarder-stack';
import { deployedWatches } from '../../infra/watches';
import { synthesizedDeployment, synthesizeVariant, type TemplateJson } from '../helpers/cloud-assembly';

const deployment = synthesizedDeployment();
const { forwarderJson, config } = deployment;
const BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/InfraWatch-central';

const byType = (template: TemplateJson, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe('the Forwarder stack', () => {
  const rules = byType(forwarderJson, 'AWS::Events::Rule');
  const [roleId, role] = byType(forwarderJson, 'AWS::IAM::Role')[0] ?? [];

  it('is a plain template a StackSet takes as is: no parameters, no assets, no bootstrap check', () => {
    expect(forwarderJson.Parameters).toBeUndefined();
    expect(forwarderJson.Rules).toBeUndefined();
    expect(JSON.stringify(forwarderJson)).not.toMatch(
      /cdk-bootstrap|BootstrapVersion|AWS::CDK::Metadata|S3Key/,
    );
    expect(centralBusArn(config)).toBe(BUS_ARN);
  });

  it.each(deployedWatches(config, REPO_ROOT).watches.map((watch) => [watch.id, watch] as const))(
    '%s: a rule on the default bus with the exact pattern, straight to the central bus with the role',
    (_id, watch) => {
      const mine = rules.filter(([, rule]) => rule.Properties?.Description === watchRuleDescription(watch));
      expect(mine).toHaveLength(1);
      const rule = mine[0]?.[1];
      expect(rule?.Properties?.EventPattern).toEqual(watch.pattern);
      expect(rule?.Properties).not.toHaveProperty('EventBusName');
      expect(rule?.Properties?.Targets).toEqual([
        { Id: 'Target', Arn: BUS_ARN, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } },
      ]);
      // The main stack's own rules cover the home account's home region.
      expect(rule?.Condition).toBe('NotHomeRegionOfHomeAccount');
    },
  );

  it('warns at synth when global-service events (us-east-1 only) would be missed', () => {
    const { app } = synthesizeVariant({ extraRegions: [] });
    const main = app.node.findChild('InfraWatch');
    const warnings = main.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning');
    expect(warnings.map((entry) => String(entry.data))).toEqual([
      expect.stringContaining('add "us-east-1" to extraRegions'),
    ]);
    const home = synthesizeVariant({ extraRegions: [], homeRegion: 'us-east-1' }).app.node.findChild(
      'InfraWatch',
    );
    expect(home.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning')).toEqual([]);
  });

  it('forwards the sign-in watch (sign-ins are recorded outside us-east-1 too)', () => {
    expect(rules.some(([, rule]) => String(rule.Properties?.Description).includes('"signin"'))).toBe(true);
  });

  it("gives the rules' role PutEvents on the central bus only, assumable by this account's EventBridge", () => {
    const policies = (role?.Properties?.Policies as { PolicyDocument: { Statement: unknown[] } }[]) ?? [];
    expect(policies.flatMap((p) => p.PolicyDocument.Statement)).toEqual([
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: BUS_ARN },
    ]);
    expect(JSON.stringify(role?.Properties?.AssumeRolePolicyDocument)).toContain('"aws:SourceAccount"');
    expect(byType(forwarderJson, 'AWS::IAM::Role').map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'ForwardRole',
      'ReconcileRole',
    ]);
  });

  it("creates the reconcile role trusting only the home account's reconcile function, LookupEvents only", () => {
    const [, role] =
      byType(forwarderJson, 'AWS::IAM::Role').find(([id]) => id.startsWith('ReconcileRole')) ?? [];
    expect(role?.Condition).toBe('NotHomeRegionOfHomeAccount');
    expect(role?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: {
            AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
          },
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/InfraWatch-reconcile-function' },
          },
        },
      ],
    });
    expect(role?.Properties?.Policies).toEqual([
      {
        PolicyName: 'LookupEvents',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'cloudtrail:LookupEvents',
              Effect: 'Allow',
              Resource: '*',
              Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
            },
          ],
        },
      },
    ]);
  });

  it('skips the rules in the home region of the home account', () => {
    expect(forwarderJson.Conditions?.NotHomeRegionOfHomeAccount).toEqual({
      'Fn::Not': [
        {
          'Fn::And': [
            { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '111111111111'] },
            { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
          ],
        },
      ],
    });
  });
});

describe('the central bus policy', () => {
  const policies = (template: TemplateJson) =>
    byType(template, 'AWS::Events::EventBusPolicy').map(([, policy]) => policy.Properties?.Statement);

  it('admits exactly the configured member accounts', () => {
    expect(policies(deployment.mainJson)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: {
          AWS: config.memberAccounts.map((account) => ({
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]],
          })),
        },
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CentralBus/), 'Arn'] },
      }),
    ]);
  });

  it('admits every account of the Organization, and nobody else, with organizationId', () => {
    const { main } = synthesizeVariant({ memberAccounts: [], organizationId: 'o-a1b2c3d4e5' });
    const statements = policies(main.toJSON() as TemplateJson);
    expect(statements).toEqual([
      expect.objectContaining({
        Principal: { AWS: '*' },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    ]);
  });

  it('has no policy for a single account (its other regions need none)', () => {
    const { main } = synthesizeVariant({ memberAccounts: [] });
    expect(policies(main.toJSON() as TemplateJson)).toEqual([]);
  });
});
