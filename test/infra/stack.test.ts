import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/constructs/infrawatch-function';
import { watchRuleDescription } from '../../infra/constructs/watch-rules';
import {
  EVENTS_BATCH,
  FUNCTION_TIMEOUTS,
  INDEX_ACTIONS,
  MAX_RECEIVE_COUNT,
  RENDERS_BATCH,
  TABLE_ACTIONS,
} from '../../infra/stacks/infrawatch-stack';
import { deployedWatches } from '../../infra/watches';
import { DIGEST_REQUESTED_DETAIL_TYPE } from '../../src/events/infrawatch-events';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS } from '../../src/metrics';
import { TABLE } from '../../src/store/table';
import { createCatalog } from '../../src/watches';
import { synthesizedDeployment, synthesizeVariant, type TemplateJson } from '../helpers/cloud-assembly';

const deployment = synthesizedDeployment();
const { main, mainJson, config } = deployment;

type Resource = TemplateJson['Resources'][string];
const resourcesOf = (template: TemplateJson, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const props = (resource: Resource | undefined) => (resource?.Properties ?? {}) as Record<string, unknown>;

const FUNCTIONS = {
  slack: 'SlackFunction4E9309F2',
  events: 'EventsFunctionD12C8C52',
  digest: 'DigestFunction7BDDFF27',
  sweep: 'SweepFunctionA7728703',
  reconcile: 'ReconcileFunction585E26B3',
} as const;

describe('watch rules', () => {
  const { watches } = deployedWatches(config, REPO_ROOT);
  const rules = resourcesOf(mainJson, 'AWS::Events::Rule').filter(([, rule]) =>
    String(props(rule).Description).startsWith('InfraWatch watch'),
  );

  it('deploys the enabled built-in watches and the custom ones from the configured folder', () => {
    expect(watches.map((watch) => watch.id)).toEqual(['classic-sg-changes', ...config.builtInWatches]);
  });

  it.each(watches.map((watch) => [watch.id, watch] as const))(
    '%s: one rule on the default bus and one on the central bus, with exactly the pattern watchesFor uses',
    (_id, watch) => {
      // Prepare: the catalog the app builds from the same watches
      const appWatch = createCatalog(watches).watches.find((w) => w.id === watch.id);
      // Act
      const mine = rules.filter(([, rule]) => props(rule).Description === watchRuleDescription(watch));
      // Assess
      expect(mine).toHaveLength(2);
      for (const [, rule] of mine) {
        expect(props(rule).EventPattern).toEqual(appWatch?.pattern);
        expect(props(rule).State).toBe('ENABLED');
        const targets = props(rule).Targets as Record<string, unknown>[];
        expect(targets).toHaveLength(1);
        // The whole event is delivered: no Input, InputPath or InputTransformer on the target.
        expect(Object.keys(targets[0] ?? {}).sort()).toEqual(['Arn', 'DeadLetterConfig', 'Id']);
      }
      expect(mine.map(([, rule]) => props(rule).EventBusName ?? 'default')).toEqual([
        'default',
        { Ref: expect.stringMatching(/^CentralBus/) },
      ]);
    },
  );

  it('has no other watch rule', () => {
    expect(rules).toHaveLength(2 * watches.length);
  });

  it('only lets those rules send to the queue and the dead-letter queue', () => {
    const ruleRefs = rules.map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    const rulesQueues = resourcesOf(mainJson, 'AWS::SQS::QueuePolicy').filter(
      ([, policy]) => !JSON.stringify(props(policy).Queues).includes('Renders'),
    );
    expect(rulesQueues).toHaveLength(2);
    for (const [, policy] of rulesQueues) {
      const statements = (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      const send = statements.find((statement) => statement.Sid === 'InfraWatchRules');
      expect(send?.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(send?.Action).toBe('sqs:SendMessage');
      const condition = send?.Condition as { ArnEquals?: Record<string, unknown> } | undefined;
      expect(condition?.ArnEquals?.['aws:SourceArn']).toEqual(ruleRefs);
    }
  });

  it('delivers a custom watch whole even though it has an input transformer', () => {
    expect(watches.find((watch) => watch.id === 'classic-sg-changes')?.inputTransformer).toEqual(
      expect.objectContaining({ inputTemplate: expect.any(String) }),
    );
    for (const [, rule] of resourcesOf(mainJson, 'AWS::Events::Rule'))
      for (const target of props(rule).Targets as Record<string, unknown>[])
        expect(target).not.toHaveProperty('InputTransformer');
  });
});

describe('queue and events function', () => {
  const [queueId, queue] =
    resourcesOf(mainJson, 'AWS::SQS::Queue').find(([id]) => id.startsWith('Changes')) ?? [];
  const [dlqId, dlq] =
    resourcesOf(mainJson, 'AWS::SQS::Queue').find(([id]) => id.startsWith('DeadLetters')) ?? [];

  it('encrypts both queues and redrives to the DLQ after MAX_RECEIVE_COUNT receives', () => {
    expect(props(queue).SqsManagedSseEnabled).toBe(true);
    expect(props(dlq).SqsManagedSseEnabled).toBe(true);
    expect(props(queue).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
  });

  it('keeps a message invisible for at least 6x the events function timeout plus the batching window', () => {
    const timeout = props(mainJson.Resources[FUNCTIONS.events]).Timeout as number;
    expect(timeout).toBe(FUNCTION_TIMEOUTS.events.toSeconds());
    expect(props(queue).VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * timeout + EVENTS_BATCH.maxBatchingWindow.toSeconds(),
    );
  });

  it('feeds the events function with partial batch responses, the chosen batch and bounded concurrency', () => {
    main.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: FUNCTIONS.events },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    main.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });
});

describe('renders queue (delayed renders of coalesced alerts)', () => {
  const [rendersId, renders] =
    resourcesOf(mainJson, 'AWS::SQS::Queue').find(([id]) => id.startsWith('Renders')) ?? [];
  const [dlqId] = resourcesOf(mainJson, 'AWS::SQS::Queue').find(([id]) => id.startsWith('DeadLetters')) ?? [];
  const rendersArn = { 'Fn::GetAtt': [rendersId, 'Arn'] };

  it('is encrypted, redrives to the DLQ and keeps a request invisible while a finisher may run', () => {
    expect(props(renders).SqsManagedSseEnabled).toBe(true);
    expect(props(renders).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(props(renders).VisibilityTimeout).toBeGreaterThanOrEqual(6 * FUNCTION_TIMEOUTS.events.toSeconds());
  });

  it('feeds the events function, which knows its URL and is the only one allowed to send to it', () => {
    main.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: rendersArn,
      FunctionName: { Ref: FUNCTIONS.events },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: RENDERS_BATCH.batchSize,
      ScalingConfig: { MaximumConcurrency: RENDERS_BATCH.maxConcurrency },
    });
    const env = (
      props(mainJson.Resources[FUNCTIONS.events]).Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.RENDER_QUEUE_URL).toEqual({ Ref: rendersId });
    const senders = resourcesOf(mainJson, 'AWS::IAM::Policy').filter(([, policy]) =>
      (props(policy).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.some(
        (statement) =>
          [statement.Action].flat().includes('sqs:SendMessage') &&
          JSON.stringify(statement.Resource) === JSON.stringify(rendersArn),
      ),
    );
    expect(senders.map(([, policy]) => props(policy).Roles)).toEqual([
      [{ Ref: expect.stringMatching(/^EventsRole/) }],
    ]);
  });
});

describe('functions', () => {
  it.each(Object.entries(FUNCTIONS))(
    '%s: nodejs24.x on arm64, its own log group with retention',
    (_name, id) => {
      const fn = props(mainJson.Resources[id]);
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      const logGroup = (fn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(props(mainJson.Resources[logGroup]).RetentionInDays).toBe(config.logRetentionDays);
    },
  );

  it.each(Object.entries(FUNCTIONS))(
    '%s: the environment derived from the configuration, no secret',
    (_n, id) => {
      const env = (props(mainJson.Resources[id]).Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(env).toEqual({
        TABLE_NAME: { Ref: 'Table' },
        SLACK_SECRET_ARN: { Ref: expect.stringMatching(/^SlackSecret/) },
        SLACK_TEAM_ID: config.slackTeamId,
        DEFAULT_CHANNEL: config.defaultChannel,
        ADMINS: config.admins.join(','),
        ACCOUNT_ALIASES: JSON.stringify(config.accountAliases),
        BURST_WINDOW_SECONDS: String(config.burstWindowSeconds),
        EVENT_BUS_NAME: 'default',
        DIGEST_TIMEZONE: config.digestTimeZone,
        WATCHES_DIR: 'watches',
        NODE_OPTIONS: '--enable-source-maps',
        // The reconcile function alone reads CloudTrail: its targets and window (tested under "reconciliation").
        ...(id === FUNCTIONS.reconcile && {
          RECONCILE_TARGETS: expect.any(String),
          RECONCILE_WINDOW_SECONDS: String(config.reconcileIntervalMinutes * 60),
          QUIET_HOURS: String(config.noChangeAlarmHours),
        }),
        // The events function alone sends (and consumes) delayed renders.
        ...(id === FUNCTIONS.events && { RENDER_QUEUE_URL: { Ref: expect.stringMatching(/^Renders/) } }),
      });
    },
  );

  it('ships the custom watch files inside every bundle, with a minified bundle and its source map', () => {
    for (const id of Object.values(FUNCTIONS)) {
      const dir = deployment.assetDirOf(id);
      const watch = JSON.parse(
        readFileSync(join(dir, 'watches', 'classic-security-group-changes.json'), 'utf8'),
      );
      expect(watch.id).toBe('classic-sg-changes');
      expect(existsSync(join(dir, 'index.js.map'))).toBe(true);
      // Minified: no line of the bundle's first kilobyte starts with indentation.
      expect(readFileSync(join(dir, 'index.js'), 'utf8').slice(0, 1024)).not.toMatch(/\n {2}\S/);
    }
  });

  it('reserves concurrency for the Slack function only', () => {
    expect(props(mainJson.Resources[FUNCTIONS.slack]).ReservedConcurrentExecutions).toBe(10);
    expect(props(mainJson.Resources[FUNCTIONS.events])).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('serves Slack through a public Function URL (the app checks the signature)', () => {
    main.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [FUNCTIONS.slack, 'Arn'] },
    });
  });
});

describe('digest', () => {
  it('runs daily at the configured time in the configured time zone with {"kind":"scheduled"}', () => {
    main.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 8 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [FUNCTIONS.digest, 'Arn'] },
        Input: JSON.stringify({ kind: 'scheduled' }),
      },
    });
  });

  it('runs on "InfraWatch Digest Requested" events on the acknowledgement bus', () => {
    main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['infrawatch'], 'detail-type': [DIGEST_REQUESTED_DETAIL_TYPE] },
      EventBusName: 'default',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [FUNCTIONS.digest, 'Arn'] } })],
    });
  });
});

describe('sweep', () => {
  it('runs every minute, without retries (the next minute takes over), one at a time', () => {
    main.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [FUNCTIONS.sweep, 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
    expect(props(mainJson.Resources[FUNCTIONS.sweep]).ReservedConcurrentExecutions).toBe(1);
  });
});

describe('reconciliation', () => {
  const RECONCILE = 'ReconcileFunction585E26B3';

  it('runs the reconcile function on the configured rate with {"kind":"scheduled"}', () => {
    main.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: { Arn: { 'Fn::GetAtt': [RECONCILE, 'Arn'] }, Input: JSON.stringify({ kind: 'scheduled' }) },
    });
  });

  it('lists every watched account and region, members through their reconcile role, in its environment', () => {
    const env = (props(mainJson.Resources[RECONCILE]).Environment as { Variables: Record<string, string> })
      .Variables;
    const targets = JSON.parse(env.RECONCILE_TARGETS ?? '[]') as {
      account: string;
      region: string;
      roleArn?: string;
    }[];
    expect(targets).toHaveLength(9);
    expect(targets[0]).toEqual({ account: '111111111111', region: 'eu-west-1' });
    expect(targets).toContainEqual({
      account: '222222222222',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::222222222222:role/InfraWatch-reconcile-us-east-1',
    });
    expect(env.QUIET_HOURS).toBe(String(config.noChangeAlarmHours));
  });

  it('may assume exactly the member roles, and read the history of its own region only', () => {
    const policy = resourcesOf(mainJson, 'AWS::IAM::Policy').find(([id]) =>
      id.startsWith('ReconcileRoleDefault'),
    );
    const own = (props(policy?.[1]).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const assume = own.find((s) => s.Action === 'sts:AssumeRole');
    expect(assume?.Resource).toHaveLength(8);
    expect(JSON.stringify(assume?.Resource)).not.toContain('*');
    expect(own.find((s) => s.Action === 'cloudtrail:LookupEvents')).toEqual({
      Action: 'cloudtrail:LookupEvents',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    const [, role] =
      resourcesOf(mainJson, 'AWS::IAM::Role').find(([id]) => id.startsWith('ReconcileRole')) ?? [];
    expect(props(role).RoleName).toBe('InfraWatch-reconcile-function');
  });
});

describe('table', () => {
  const table = mainJson.Resources.Table;

  it('keeps its pinned logical id, is retained and protected', () => {
    // A renamed logical id would create a new, empty table and orphan the data.
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    expect(props(table).DeletionProtectionEnabled).toBe(true);
    expect(props(table).PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props(table).BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('has the keys, indexes, projections and TTL of src/store/table.ts', () => {
    expect(props(table).KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props(table).TimeToLiveSpecification).toEqual({
      AttributeName: TABLE.ttlAttribute,
      Enabled: true,
    });
    expect(props(table).GlobalSecondaryIndexes).toEqual(
      Object.values(TABLE.indexes).map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      })),
    );
  });
});

describe('least privilege', () => {
  /** Every statement of every policy in both templates, with where it is. */
  function statements(template: TemplateJson): { where: string; statement: Record<string, unknown> }[] {
    const found: { where: string; statement: Record<string, unknown> }[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const p = props(resource);
      const documents: unknown[] = [
        p.PolicyDocument,
        ...((p.Policies as { PolicyDocument: unknown }[]) ?? []).map((x) => x.PolicyDocument),
      ];
      if (resource.Type === 'AWS::Events::EventBusPolicy') documents.push({ Statement: [p.Statement] });
      for (const document of documents) {
        for (const statement of (document as { Statement?: Record<string, unknown>[] } | undefined)
          ?.Statement ?? []) {
          found.push({ where: id, statement });
        }
      }
    }
    return found;
  }
  const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

  /**
   * Statements allowed to name every resource, each with the AWS reason. Empty today: a new entry needs a
   * reason a reviewer accepts (e.g. an action that supports no resource-level permission).
   */
  const DOCUMENTED_WILDCARDS: Record<string, string> = {
    'ReconcileRoleDefaultPolicyBC2E4874: "cloudtrail:LookupEvents"':
      'LookupEvents has no resource-level permissions; limited to the home region by aws:RequestedRegion.',
    'ReconcileRole90F75AB5: "cloudtrail:LookupEvents"':
      "The forwarder's reconcile role: LookupEvents only, in its own region (aws:RequestedRegion).",
  };

  it.each([
    ['main', () => deployment.mainJson],
    ['forwarder', () => deployment.forwarderJson],
  ])('%s: no statement of ours has Resource "*" without a documented reason', (_name, template) => {
    const wildcards = statements(template())
      .filter(({ statement }) => statement.Effect === 'Allow' && asList(statement.Resource).includes('*'))
      .map(({ where, statement }) => `${where}: ${JSON.stringify(statement.Action)}`);
    expect(wildcards.filter((entry) => DOCUMENTED_WILDCARDS[entry] === undefined)).toEqual([]);
  });

  it('gives every function exactly the store actions on the table ARN and the index ARNs', () => {
    for (const fn of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[]) {
      const policy = resourcesOf(mainJson, 'AWS::IAM::Policy').find(([, p]) =>
        JSON.stringify(props(p).Roles).includes(`${fn[0]?.toUpperCase()}${fn.slice(1)}Role`),
      );
      const own = (props(policy?.[1]).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      const dynamo = own.filter((s) => asList(s.Action).some((a) => String(a).startsWith('dynamodb:')));
      expect(dynamo).toEqual([
        { Action: [...TABLE_ACTIONS], Effect: 'Allow', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } },
        {
          Action: INDEX_ACTIONS[0],
          Effect: 'Allow',
          Resource: Object.values(TABLE.indexes).map((index) => ({
            'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, `/index/${index.name}`]],
          })),
        },
      ]);
      const secret = own.find((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'));
      expect(secret?.Resource).toEqual({ Ref: expect.stringMatching(/^SlackSecret/) });
    }
  });

  it('allows every DynamoDB command the store sends', () => {
    const folder = join(REPO_ROOT, 'src', 'store', 'dynamodb');
    const source = readdirSync(folder)
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .join('\n');
    const commands = [...source.matchAll(/new (\w+)Command\(/g)].map((match) => match[1] ?? '');
    expect(commands.length).toBeGreaterThan(20);
    const actions = new Set(
      commands.map(
        (name) =>
          `dynamodb:${{ Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem', BatchWrite: 'BatchWriteItem' }[name] ?? name}`,
      ),
    );
    expect([...actions].filter((action) => !(TABLE_ACTIONS as readonly string[]).includes(action))).toEqual(
      [],
    );
  });

  it('lets only the Slack function publish, to the acknowledgement bus only', () => {
    const publishers = statements(mainJson).filter(
      ({ where, statement }) =>
        mainJson.Resources[where]?.Type === 'AWS::IAM::Policy' &&
        asList(statement.Action).includes('events:PutEvents'),
    );
    expect(publishers.map(({ where }) => where)).toEqual([expect.stringMatching(/^SlackRole/)]);
    expect(JSON.stringify(publishers[0]?.statement.Resource)).toContain(':event-bus/default');
  });
});

describe('alarms', () => {
  const alarms = resourcesOf(mainJson, 'AWS::CloudWatch::Alarm').map(([, alarm]) => props(alarm));

  it('alarm on the dead-letter queue, on each function errors and throttles', () => {
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(Object.keys(FUNCTIONS).length);
    expect(alarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(Object.keys(FUNCTIONS).length);
  });

  it('watch the metrics the app emits, by their names in src/metrics.ts', () => {
    const own = alarms.filter((a) => a.Namespace === METRIC_NAMESPACE);
    expect(own.map((a) => a.MetricName).sort()).toEqual(
      [
        METRICS.accountsSilent,
        METRICS.changesRecorded,
        METRICS.changesRecovered,
        METRICS.rejectedInputs,
      ].sort(),
    );
    for (const alarm of own) {
      expect(alarm.Dimensions).toEqual(
        Object.entries(METRIC_DIMENSIONS).map(([Name, Value]) => ({ Name, Value })),
      );
    }
  });

  it('treat "no change recorded for N hours" missing data as breaching', () => {
    const quiet = alarms.find((a) => a.MetricName === METRICS.changesRecorded);
    expect(quiet).toMatchObject({
      Period: 3600,
      EvaluationPeriods: config.noChangeAlarmHours,
      DatapointsToAlarm: config.noChangeAlarmHours,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  const alarmIds = resourcesOf(mainJson, 'AWS::CloudWatch::Alarm').map(([id]) => id);
  const quietIds = alarmIds.filter((id) => /^Alarms(NoChangeRecorded|AccountSilent)/.test(id));

  it('raise one "no change seen" notice from the total going quiet or the heartbeat finding an account silent', () => {
    // Prepare
    const composites = resourcesOf(mainJson, 'AWS::CloudWatch::CompositeAlarm').map(([, alarm]) =>
      props(alarm),
    );

    // Assess: the rule names both alarms (by ARN), and only the composite notifies for them.
    expect(quietIds).toHaveLength(2);
    expect(composites).toHaveLength(1);
    const rule = JSON.stringify(composites[0]?.AlarmRule);
    for (const id of quietIds) expect(rule).toContain(id);
    expect(rule).toMatch(/OR/);
  });

  it('notify the configured e-mail address', () => {
    main.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: config.alarmEmail });
    const topic = resourcesOf(mainJson, 'AWS::SNS::Topic')[0]?.[0];
    const composites = resourcesOf(mainJson, 'AWS::CloudWatch::CompositeAlarm').map(([, alarm]) =>
      props(alarm),
    );
    for (const alarm of [...alarms.filter((_, i) => !quietIds.includes(alarmIds[i] ?? '')), ...composites])
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
    for (const [i, alarm] of alarms.entries())
      if (quietIds.includes(alarmIds[i] ?? '')) expect(alarm.AlarmActions).toBeUndefined();
  });
});

describe('trail', () => {
  it('is multi-region, validated, into an encrypted TLS-only bucket when createTrail is true', () => {
    main.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
    });
    const [bucketId, bucket] =
      resourcesOf(mainJson, 'AWS::S3::Bucket').find(([id]) => id.startsWith('TrailBucket')) ?? [];
    expect(props(bucket).BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const policy = resourcesOf(mainJson, 'AWS::S3::BucketPolicy').find(
      ([, p]) => JSON.stringify(props(p).Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(JSON.stringify(props(policy?.[1]).PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    expect(bucket?.DeletionPolicy).toBe('Retain');
  });

  it('is not created when createTrail is false', () => {
    synthesizeVariant({ createTrail: false }).main.resourceCountIs('AWS::CloudTrail::Trail', 0);
  });
});

describe('outputs', () => {
  const outputs = mainJson.Outputs ?? {};

  it('are each named in the README, where "Deploy" explains them', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const deploy = readme.slice(readme.indexOf('## Deploy'));
    expect(Object.keys(outputs).filter((name) => !deploy.includes(name))).toEqual([
      'DigestScheduleArn',
      'ReconcileScheduleArn',
    ]);
  });

  it('give the Slack request URL and the app manifest filled in with it', () => {
    const url = {
      'Fn::Join': [
        '',
        [
          { 'Fn::GetAtt': [expect.stringMatching(/^SlackFunctionFunctionUrl/), 'FunctionUrl'] },
          'slack/events',
        ],
      ],
    };
    expect(outputs.SlackRequestUrl?.Value).toEqual(url);
    const manifest = JSON.stringify(outputs.SlackAppManifest?.Value);
    expect(manifest).not.toContain('infrawatch.example.com');
    expect(manifest.match(/slack\/events/g)).toHaveLength(2);
  });

  it('give the secret ARN, the put-secret-value command, the central bus and the acknowledgement bus', () => {
    expect(outputs.SlackSecretArn?.Value).toEqual({ Ref: expect.stringMatching(/^SlackSecret/) });
    expect(JSON.stringify(outputs.SetSlackSecretCommand?.Value)).toContain(
      'aws secretsmanager put-secret-value',
    );
    expect(outputs.CentralBusArn?.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^CentralBus/), 'Arn'],
    });
    expect(JSON.stringify(outputs.AcknowledgementBus?.Value)).toContain(':event-bus/default');
  });
});
