import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS, type MetricName } from '../../src/metrics';

export interface AlarmsProps {
  email: string;
  deadLetters: sqs.IQueue;
  functions: readonly lambda.IFunction[];
  /** "No change recorded for this many hours" alarms. */
  noChangeHours: number;
}

/** An InfraWatch metric exactly as the app emits it (namespace and dimensions of src/metrics.ts). */
export function infraWatchMetric(metricName: MetricName, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { ...METRIC_DIMENSIONS },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/**
 * What must wake somebody: changes that could not be delivered (dead letters), failing or throttled functions,
 * inputs that can never become an alert, and a pipeline that went quiet. All go to one SNS topic with an
 * e-mail subscription.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly composites: cloudwatch.CompositeAlarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'InfraWatch alarms', enforceSSL: true });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const fiveMinutes = Duration.minutes(5);

    this.add('DeadLetters', {
      alarmDescription: 'Changes InfraWatch could not process are waiting in the dead-letter queue',
      metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const fn of props.functions) {
      const name = fn.node.scope?.node.id ?? fn.node.id;
      this.add(`${name}Errors`, {
        alarmDescription: `The InfraWatch ${name} function failed`,
        metric: fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.add(`${name}Throttles`, {
        alarmDescription: `The InfraWatch ${name} function was throttled`,
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.add('RejectedInputs', {
      alarmDescription:
        'InfraWatch received inputs that can never become an alert (stored as REJECTED# items with the reason)',
      metric: infraWatchMetric(METRICS.rejectedInputs, fiveMinutes),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Reconciliation found changes EventBridge never delivered: they are alerted late; a rule, a forwarder or
    // EventBridge itself is losing events.
    this.add('ChangesRecovered', {
      alarmDescription:
        'InfraWatch recovered watched changes from CloudTrail that EventBridge never delivered (alerted late, marked recovered)',
      metric: infraWatchMetric(METRICS.changesRecovered, Duration.minutes(15)),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The heartbeat: an account that usually has changes has had none, not even in CloudTrail's history.
    const accountSilent = this.add(
      'AccountSilent',
      {
        alarmDescription: `An account that usually has changes has had none for ${props.noChangeHours} hours, not even in CloudTrail's event history: is its trail logging?`,
        metric: infraWatchMetric(METRICS.accountsSilent, Duration.minutes(15)).with({
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
      { notify: false },
    );
    // A dead pipeline (trail stopped, rule deleted, forwarders broken) emits nothing at all: no data is the
    // signal, so missing data breaches.
    const noChangeRecorded = this.add(
      'NoChangeRecorded',
      {
        alarmDescription: `InfraWatch recorded no change for ${props.noChangeHours} hours: is the trail logging and are the rules delivering?`,
        metric: infraWatchMetric(METRICS.changesRecorded, Duration.hours(1)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: props.noChangeHours,
        datapointsToAlarm: props.noChangeHours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
      { notify: false },
    );
    // The deployment's "nothing is arriving" alarm: the whole pipeline quiet (NoChangeRecorded: with several
    // accounts a dead trail in one of them never brings the total to zero), or the heartbeat's account that
    // went silent (AccountSilent, from the reconcile run's AccountsSilent metric). One notice either way.
    const quiet = new cloudwatch.CompositeAlarm(this, 'NoChangeSeen', {
      alarmDescription: `InfraWatch has seen no change for ${props.noChangeHours} hours, in total or from an account that usually has some: is the trail logging and are the rules delivering?`,
      alarmRule: cloudwatch.AlarmRule.anyOf(noChangeRecorded, accountSilent),
    });
    quiet.addAlarmAction(new actions.SnsAction(this.topic));
    quiet.addOkAction(new actions.SnsAction(this.topic));
    this.composites.push(quiet);
  }

  /** An alarm; `notify: false` for one that only feeds a composite alarm (which notifies instead). */
  private add(
    id: string,
    props: cloudwatch.AlarmProps,
    options: { notify?: boolean } = {},
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    if (options.notify !== false) {
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
    }
    this.alarms.push(alarm);
    return alarm;
  }
}
