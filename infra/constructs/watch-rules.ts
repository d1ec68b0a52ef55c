import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Watch } from '../../src/watches/types';

/** Where a watch rule sends the events it matches. */
export interface WatchRuleTarget {
  arn: string;
  /** Required by EventBridge for an event bus target (cross-account or cross-region). */
  role?: iam.IRole;
  /** Where EventBridge puts an event it could not deliver after its retries (same account and region). */
  deadLetterQueueArn?: string;
}

export interface WatchRulesProps {
  watches: readonly Watch[];
  /** The bus the rules listen on; undefined: the account's default bus. */
  eventBus?: events.IEventBus;
  target: WatchRuleTarget;
}

/** A CloudFormation-safe name part from a watch id (`security-groups` → `SecurityGroups`). */
export function watchLogicalId(watchId: string): string {
  return watchId
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The rule description that names its watch (tests and operators find a watch's rule by it). */
export function watchRuleDescription(watch: Watch): string {
  return `InfraWatch watch "${watch.id}": ${watch.title}`.slice(0, 512);
}

/**
 * One EventBridge rule per watch, whose EventPattern is the watch's pattern exactly as the app matches it
 * (`watchesFor`): written as the raw CloudFormation property, because the L2 Rule re-renders patterns from its
 * own camelCase shape. The rule delivers the whole event: a custom watch's input transformer runs inside
 * InfraWatch for its summary line, so the app always sees the CloudTrail record it needs.
 */
export class WatchRules extends Construct {
  readonly rules: events.CfnRule[];

  constructor(scope: Construct, id: string, props: WatchRulesProps) {
    super(scope, id);
    this.rules = props.watches.map(
      (watch) =>
        new events.CfnRule(this, watchLogicalId(watch.id), {
          description: watchRuleDescription(watch),
          ...(props.eventBus === undefined ? {} : { eventBusName: props.eventBus.eventBusName }),
          eventPattern: watch.pattern,
          state: 'ENABLED',
          targets: [
            {
              id: 'Target',
              arn: props.target.arn,
              ...(props.target.role === undefined ? {} : { roleArn: props.target.role.roleArn }),
              ...(props.target.deadLetterQueueArn === undefined
                ? {}
                : { deadLetterConfig: { arn: props.target.deadLetterQueueArn } }),
            },
          ],
        }),
    );
  }

  /** The ARNs of every rule (for `aws:SourceArn` conditions). */
  get ruleArns(): string[] {
    return this.rules.map((rule) => rule.attrArn);
  }
}
