import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DIGEST_REQUESTED_DETAIL_TYPE, INFRAWATCH_EVENT_SOURCE } from '../../src/events/infrawatch-events';
import { TABLE } from '../../src/store/table';
import type { Watch } from '../../src/watches/types';
import { type InfraConfig, lambdaEnvironment, reconcileFunctionRoleName, reconcileTargets } from '../config';
import { Alarms } from '../constructs/alarms';
import { InfraWatchFunction, REPO_ROOT } from '../constructs/infrawatch-function';
import { WatchRules } from '../constructs/watch-rules';
import { centralBusName } from './forwarder-stack';

/**
 * Event source mapping of the events function. Burst grouping works across the records of one batch, so a
 * large batch turns a burst into one Slack message with few updates (see README, "Deploy", for the bench
 * figures behind these numbers); the batching window bounds the delay that adds to an alert.
 */
export const EVENTS_BATCH = {
  batchSize: 50,
  maxBatchingWindow: Duration.seconds(2),
  /**
   * Posts are paced one per second per channel inside a container; the fewer containers post at once, the
   * closer the whole deployment stays to Slack's one message per second per channel. 2 is SQS's minimum.
   */
  maxConcurrency: 2,
} as const;

/**
 * Event source mapping of the renders queue (delayed renders: src/use-cases/coalesce-renders.ts). No batching
 * window: a request arrives when its render window closes and is rendered at once.
 */
export const RENDERS_BATCH = { batchSize: 10, maxConcurrency: 2 } as const;

export const FUNCTION_TIMEOUTS = {
  /** Slack gives up after 3 s; a longer run only holds a container. */
  slack: Duration.seconds(10),
  /** A batch of 50 with Slack pacing (one post per second per channel) and a 429's Retry-After. */
  events: Duration.seconds(90),
  /** Every channel's digest, one post per channel, paced. */
  digest: Duration.minutes(5),
  /** Up to 25 escalation steps and 10 render repairs, paced; shorter than the minute between sweeps. */
  sweep: Duration.seconds(50),
  /** Every watched account and region's event history at 2 requests/s each; a run that runs out goes on next time. */
  reconcile: Duration.minutes(10),
} as const;

/** SQS must keep a message invisible while the function may still be working on it (AWS: 6× the timeout). */
export const QUEUE_VISIBILITY = Duration.seconds(
  6 * FUNCTION_TIMEOUTS.events.toSeconds() + EVENTS_BATCH.maxBatchingWindow.toSeconds(),
);

/** Receives before a message goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** The DynamoDB actions the store sends (src/store/dynamodb/), on the table and on its indexes. */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
] as const;
export const INDEX_ACTIONS = ['dynamodb:Query'] as const;

/** The secret's value until the operator sets it: fails the app's secret check by name, never by value. */
export const SECRET_PLACEHOLDER = { botToken: 'SET-ME', signingSecret: 'SET-ME' } as const;

export interface InfraWatchStackProps extends StackProps {
  config: InfraConfig;
  watches: readonly Watch[];
  customWatchFiles: readonly string[];
}

/**
 * The home account and region: the table, the secret, the three functions, one rule per watch on the default
 * bus (this account's events) and on the central bus (what forwarders send), the queue between them, the
 * digest schedule, alarms and, optionally, a multi-region trail.
 */
export class InfraWatchStack extends Stack {
  readonly table: dynamodb.Table;
  readonly centralBus: events.EventBus;
  readonly functions: Record<'slack' | 'events' | 'digest' | 'sweep' | 'reconcile', InfraWatchFunction>;

  constructor(scope: Construct, id: string, props: InfraWatchStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = this.createTable();

    const secret = new secretsmanager.Secret(this, 'SlackSecret', {
      description: 'InfraWatch Slack credentials: {"botToken":"xoxb-…","signingSecret":"…"}',
      // A placeholder the app refuses by field name; the operator sets the real value (README, "Deploy").
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SECRET_PLACEHOLDER)),
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Slack issues the bot token and signing secret and offers no API to rotate them, so no rotation Lambda can; ' +
        'they are rotated in Slack and set with put-secret-value, and functions re-read the secret within 5 minutes.',
    });

    // An existing bus (the account's default one unless configured): other teams' rules consume it.
    const ackBus = events.EventBus.fromEventBusName(this, 'AckBus', config.eventBusName);

    const environment = lambdaEnvironment(
      config,
      { tableName: this.table.tableName, secretArn: secret.secretArn },
      { customWatches: props.customWatchFiles.length > 0 },
    );
    const common = {
      environment,
      logRetention: config.logRetentionDays,
      customWatchFiles: props.customWatchFiles,
    };
    this.functions = {
      slack: new InfraWatchFunction(this, 'Slack', {
        ...common,
        entry: 'slack',
        description: 'InfraWatch: Slack commands, buttons and modals (Function URL)',
        timeout: FUNCTION_TIMEOUTS.slack,
        // More memory is more CPU: a cold start must answer well inside Slack's 3 s.
        memorySize: 1024,
        ...(config.slackReservedConcurrency === null
          ? {}
          : { reservedConcurrentExecutions: config.slackReservedConcurrency }),
      }),
      events: new InfraWatchFunction(this, 'Events', {
        ...common,
        entry: 'events',
        description: 'InfraWatch: CloudTrail changes from the queue to Slack',
        timeout: FUNCTION_TIMEOUTS.events,
        memorySize: 512,
      }),
      digest: new InfraWatchFunction(this, 'Digest', {
        ...common,
        entry: 'digest',
        description: 'InfraWatch: the daily digest and /infrawatch digest',
        timeout: FUNCTION_TIMEOUTS.digest,
        memorySize: 512,
      }),
      sweep: new InfraWatchFunction(this, 'Sweep', {
        ...common,
        entry: 'sweep',
        description:
          'InfraWatch: escalation steps of unacknowledged alerts, and render repairs, every minute',
        timeout: FUNCTION_TIMEOUTS.sweep,
        memorySize: 512,
        // One sweep at a time is enough (and keeps Slack pacing in one container); a late one is harmless.
        reservedConcurrentExecutions: 1,
      }),
      reconcile: new InfraWatchFunction(this, 'Reconcile', {
        ...common,
        environment: {
          ...environment,
          RECONCILE_TARGETS: JSON.stringify(reconcileTargets(config)),
          RECONCILE_WINDOW_SECONDS: String(config.reconcileIntervalMinutes * 60),
          QUIET_HOURS: String(config.noChangeAlarmHours),
        },
        entry: 'reconcile',
        description:
          'InfraWatch: CloudTrail event history reconciled with what EventBridge delivered; heartbeat',
        timeout: FUNCTION_TIMEOUTS.reconcile,
        memorySize: 512,
        roleName: reconcileFunctionRoleName(config),
      }),
    };
    for (const fn of Object.values(this.functions)) {
      this.grantStore(fn.role);
      secret.grantRead(fn.role);
    }
    ackBus.grantPutEventsTo(this.functions.slack.role);

    // Events: rules -> queue (+ DLQ) -> events function.
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, 'Changes', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: QUEUE_VISIBILITY,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.functions.events.function.addEventSource(
      new SqsEventSource(queue, { ...EVENTS_BATCH, reportBatchItemFailures: true }),
    );
    // Delayed renders: the events function sends one (DelaySeconds) when a change joins an alert whose render
    // window is open, and consumes them; only it may send there. Failures redrive to the same DLQ.
    const renders = new sqs.Queue(this, 'Renders', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: QUEUE_VISIBILITY,
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    renders.grantSendMessages(this.functions.events.role);
    this.functions.events.function.addEnvironment('RENDER_QUEUE_URL', renders.queueUrl);
    this.functions.events.function.addEventSource(
      new SqsEventSource(renders, { ...RENDERS_BATCH, reportBatchItemFailures: true }),
    );

    this.centralBus = new events.EventBus(this, 'CentralBus', { eventBusName: centralBusName(config) });
    this.admitForwarders(config);

    const target = { arn: queue.queueArn, deadLetterQueueArn: deadLetters.queueArn };
    const localRules = new WatchRules(this, 'Watches', { watches: props.watches, target });
    const forwardedRules = new WatchRules(this, 'ForwardedWatches', {
      watches: props.watches,
      eventBus: this.centralBus,
      target,
    });
    const ruleArns = [...localRules.ruleArns, ...forwardedRules.ruleArns];
    for (const destination of [queue, deadLetters]) {
      destination.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'InfraWatchRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [destination.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
      );
    }

    // Slack endpoint: a Function URL (the app verifies Slack's signature before it parses anything).
    const url = this.functions.slack.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    const requestUrl = Fn.join('', [url.url, 'slack/events']);

    // Digest: daily at the configured time in the configured zone, and on request from the Slack function.
    const [hour, minute] = config.digestTime.split(':').map(Number) as [number, number];
    const digest = this.functions.digest.function;
    const schedulerRole = new iam.Role(this, 'DigestScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler invokes the InfraWatch digest function',
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(digest.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the digest function and its qualified ARNs (CDK grantInvoke): versions and ' +
        'aliases of this one function only.',
    });
    const schedule = new scheduler.Schedule(this, 'DigestSchedule', {
      description: `InfraWatch daily digest at ${config.digestTime} ${config.digestTimeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        hour: String(hour),
        minute: String(minute),
        timeZone: TimeZone.of(config.digestTimeZone),
      }),
      target: new schedulerTargets.LambdaInvoke(digest, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ kind: 'scheduled' }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
    // Sweep: every minute. No retries: the next minute's sweep takes on whatever this one left due.
    const sweep = this.functions.sweep.function;
    const sweepRole = new iam.Role(this, 'SweepScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler invokes the InfraWatch sweep function',
    });
    Validations.of(sweepRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(sweep.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the sweep function and its qualified ARNs (CDK grantInvoke): versions and ' +
        'aliases of this one function only.',
    });
    new scheduler.Schedule(this, 'SweepSchedule', {
      description: 'InfraWatch sweep: escalation steps due, messages to repair',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      target: new schedulerTargets.LambdaInvoke(sweep, {
        role: sweepRole,
        input: scheduler.ScheduleTargetInput.fromObject({ kind: 'sweep' }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
    new events.Rule(this, 'DigestRequested', {
      description: 'InfraWatch: /infrawatch digest',
      eventBus: ackBus,
      eventPattern: { source: [INFRAWATCH_EVENT_SOURCE], detailType: [DIGEST_REQUESTED_DETAIL_TYPE] },
      targets: [
        new eventTargets.LambdaFunction(digest, { retryAttempts: 2, maxEventAge: Duration.minutes(15) }),
      ],
    });

    const reconcileSchedule = this.reconcile(config);

    if (config.createTrail) this.createTrail();

    const alarms = new Alarms(this, 'Alarms', {
      email: config.alarmEmail,
      deadLetters,
      functions: Object.values(this.functions).map((fn) => fn.function),
      noChangeHours: config.noChangeAlarmHours,
    });

    new CfnOutput(this, 'SlackRequestUrl', {
      description: 'Request URL of the Slack app (slash command and interactivity)',
      value: requestUrl,
    });
    new CfnOutput(this, 'SlackAppManifest', {
      description: 'Paste into api.slack.com/apps > Create New App > From an app manifest (JSON)',
      value: this.toJsonString(slackManifest(requestUrl)),
    });
    new CfnOutput(this, 'SlackSecretArn', { value: secret.secretArn });
    new CfnOutput(this, 'SetSlackSecretCommand', {
      description: 'Run once with the bot token and signing secret of the Slack app',
      value: Fn.join('', [
        'aws secretsmanager put-secret-value --region ',
        this.region,
        ' --secret-id ',
        secret.secretArn,
        ` --secret-string '{"botToken":"xoxb-...","signingSecret":"..."}'`,
      ]),
    });
    new CfnOutput(this, 'CentralBusArn', {
      description: 'Forwarders (other regions and member accounts) send watched events here',
      value: this.centralBus.eventBusArn,
    });
    new CfnOutput(this, 'AcknowledgementBus', {
      description: 'Acknowledgement and digest-request events are published to this bus',
      value: ackBus.eventBusArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'DigestScheduleArn', { value: schedule.scheduleArn });
    new CfnOutput(this, 'ReconcileScheduleArn', { value: reconcileSchedule.scheduleArn });
  }

  /**
   * Reconciliation: the function reads CloudTrail's event history of the home region with its own role and of
   * every other watched account and region through the forwarder's reconcile role there (exact ARNs), on a
   * schedule.
   */
  private reconcile(config: InfraConfig): scheduler.Schedule {
    const fn = this.functions.reconcile;
    // LookupEvents supports no resource-level permission (the Service Authorization Reference lists no resource
    // type for it): Resource "*" is the only form IAM accepts. The region condition keeps it to this region.
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudtrail:LookupEvents'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': this.region } },
      }),
    );
    const roleArns = reconcileTargets(config).flatMap((target) => (target.roleArn ? [target.roleArn] : []));
    if (roleArns.length > 0)
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: roleArns }),
      );
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudtrail:LookupEvents has no resource-level permissions (Service Authorization Reference), so it can only ' +
        'be granted on "*"; the statement is limited to this action and to this region by aws:RequestedRegion.',
    });
    const role = new iam.Role(this, 'ReconcileScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler invokes the InfraWatch reconcile function',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the reconcile function and its qualified ARNs (CDK grantInvoke): versions and ' +
        'aliases of this one function only.',
    });
    return new scheduler.Schedule(this, 'ReconcileSchedule', {
      description: `InfraWatch reconciliation with CloudTrail every ${config.reconcileIntervalMinutes} minutes`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(config.reconcileIntervalMinutes)),
      target: new schedulerTargets.LambdaInvoke(fn.function, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ kind: 'scheduled' }),
        // The next run reads the same windows again: a missed run costs nothing but delay.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(config.reconcileIntervalMinutes),
      }),
    });
  }

  /** The table of src/store/table.ts: keys, indexes, projections and TTL read from it. */
  private createTable(): dynamodb.Table {
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: key(TABLE.partitionKey),
      sortKey: key(TABLE.sortKey),
      timeToLiveAttribute: TABLE.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(TABLE.indexes)) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.projection],
      });
    }
    // Stateful: a new logical id would create an empty table next to the retained one (pinned by a test).
    (table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId('Table');
    return table;
  }

  /** The store's exact actions on the table's ARN and each index's ARN (no index wildcard). */
  private grantStore(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...TABLE_ACTIONS], resources: [this.table.tableArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...INDEX_ACTIONS],
        resources: Object.values(TABLE.indexes).map((index) => `${this.table.tableArn}/index/${index.name}`),
      }),
    );
  }

  /**
   * Who may put events on the central bus besides this account (its other regions need no policy): exactly
   * the configured member accounts, or every account of the Organization.
   */
  private admitForwarders(config: InfraConfig): void {
    if (config.organizationId !== undefined) {
      this.centralBus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'InfraWatchOrganizationForwarders',
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.centralBus.eventBusArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } },
        }),
      );
    } else if (config.memberAccounts.length > 0) {
      this.centralBus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'InfraWatchMemberForwarders',
          principals: config.memberAccounts.map((account) => new iam.AccountPrincipal(account)),
          actions: ['events:PutEvents'],
          resources: [this.centralBus.eventBusArn],
        }),
      );
    }
  }

  /**
   * EventBridge only receives "AWS API Call via CloudTrail" events for management events a trail logs in that
   * region: one multi-region trail with global service events covers every region of this account.
   */
  private createTrail(): void {
    const accessLogs = new s3.Bucket(this, 'TrailAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'TrailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new cloudtrail.Trail(this, 'Trail', {
      bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
  }
}

/** manifest.json with every request URL set to the deployed endpoint (a token until deploy). */
export function slackManifest(requestUrl: string): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'manifest.json'), 'utf8')) as {
    features?: { slash_commands?: { url?: string }[] };
    settings?: { interactivity?: { request_url?: string } };
  };
  for (const command of manifest.features?.slash_commands ?? []) command.url = requestUrl;
  if (manifest.settings?.interactivity) manifest.settings.interactivity.request_url = requestUrl;
  return manifest;
}
