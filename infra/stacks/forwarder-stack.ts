import { Aws, CfnCondition, CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Watch } from '../../src/watches/types';
import { type InfraConfig, reconcileFunctionRoleName } from '../config';
import { WatchRules } from '../constructs/watch-rules';

/** The central bus's name in the home account and region (created by the main stack). */
export function centralBusName(config: InfraConfig): string {
  return `${config.stackName}-central`;
}

/** The central bus's ARN, known from configuration alone: forwarders need no lookup and no parameter. */
export function centralBusArn(config: InfraConfig): string {
  return `arn:aws:events:${config.homeRegion}:${config.homeAccount}:event-bus/${centralBusName(config)}`;
}

export interface ForwarderStackProps extends StackProps {
  config: InfraConfig;
  watches: readonly Watch[];
}

/**
 * Deployed to every other region of the home account and to every region of each member account: the same
 * catalog rules as the main stack, on that account's default bus, each targeting the central bus in the home
 * account and region directly. EventBridge delivers cross-account events one hop only, so a member never
 * forwards through another bus. The sign-in watch is forwarded from every region: IAM-user console sign-ins
 * through the global endpoint are recorded in us-east-2, eu-north-1 or ap-southeast-2, and regional sign-in
 * endpoints in their own region.
 *
 * Environment-agnostic and asset-free, so the synthesized template can be handed to a CloudFormation StackSet
 * as it is (its synthesizer adds no bootstrap parameter).
 */
export class ForwarderStack extends Stack {
  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const { config } = props;
    const busArn = centralBusArn(config);

    const role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge rules of InfraWatch put matched events on the central bus',
      inlinePolicies: {
        PutOnCentralBus: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [busArn] })],
        }),
      },
    });

    // In the home account's home region the main stack's rules already see these events.
    const notHome = new CfnCondition(this, 'NotHomeRegionOfHomeAccount', {
      expression: Fn.conditionNot(
        Fn.conditionAnd(
          Fn.conditionEquals(Aws.ACCOUNT_ID, config.homeAccount),
          Fn.conditionEquals(Aws.REGION, config.homeRegion),
        ),
      ),
    });
    const rules = new WatchRules(this, 'Watches', { watches: props.watches, target: { arn: busArn, role } });
    for (const rule of rules.rules) rule.cfnOptions.condition = notHome;

    // Reconciliation reads this account and region's CloudTrail event history through this role. It trusts
    // exactly the home account's reconcile function role (by its fixed name), and only for LookupEvents here.
    const reconcileRole = new iam.Role(this, 'ReconcileRole', {
      roleName: Fn.join('-', [config.stackName, 'reconcile', Aws.REGION]),
      // The home account, on condition of the caller's ARN: unlike a role principal, this trust policy is
      // valid before the home stack has created the role, so a member may deploy its forwarder first.
      assumedBy: new iam.AccountPrincipal(config.homeAccount).withConditions({
        ArnEquals: {
          'aws:PrincipalArn': `arn:aws:iam::${config.homeAccount}:role/${reconcileFunctionRoleName(config)}`,
        },
      }),
      description:
        'The InfraWatch reconcile function reads CloudTrail event history (LookupEvents) of this region',
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        LookupEvents: new iam.PolicyDocument({
          statements: [
            // LookupEvents has no resource-level permissions: "*" is the only resource IAM accepts for it.
            new iam.PolicyStatement({
              actions: ['cloudtrail:LookupEvents'],
              resources: ['*'],
              conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
            }),
          ],
        }),
      },
    });
    (reconcileRole.node.defaultChild as iam.CfnRole).cfnOptions.condition = notHome;
    Validations.of(reconcileRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents has no resource-level permissions (Service Authorization Reference), so it can only ' +
        'be granted on "*"; the role allows nothing else, only in its own region (aws:RequestedRegion).',
    });

    new CfnOutput(this, 'CentralBusArn', { value: busArn });
  }
}
