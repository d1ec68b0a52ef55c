import { Aws, CfnCondition, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Watch } from '../../src/watches/types';
import type { InfraConfig } from '../config';
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

    new CfnOutput(this, 'CentralBusArn', { value: busArn });
  }
}
