import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type CloudTrailStandin, startCloudTrailStandin } from '../../app/local/cloudtrail-standin';
import { type DynamoDbEngine, ensureTable, startEngine } from '../../app/local/dynamodb';
import { type EventBridgeStandin, startEventBridgeStandin } from '../../app/local/eventbridge-standin';
import { sqsEventOf } from '../../app/local/lambda-invocation';
import { type SlackStandin, startSlackStandin } from '../../app/local/slack';
import { NOT_ON_LAMBDA } from '../../infra/constructs/infrawatch-function';
import { METRIC_NAMESPACE, METRICS } from '../../src/metrics';
import { createDynamoDbStore } from '../../src/store/dynamodb';
import { ACKNOWLEDGED_DETAIL_TYPE } from '../../src/use-cases/acknowledge';
import { ACTION_IDS } from '../../src/views';
import {
  type SecretsManagerStandin,
  type StsStandin,
  startSecretsManagerStandin,
  startStsStandin,
} from '../helpers/aws-standins';
import { synthesizedDeployment } from '../helpers/cloud-assembly';
import { corpusEvent, variant } from '../helpers/events';
import { BOT_TOKEN } from '../helpers/pipeline';
import { blockAction, functionUrlEvent, SIGNING_SECRET, sign, slashCommand } from '../helpers/slack-requests';

const run = promisify(execFile);

/** The functions' logical ids in the main stack (pinned by test/infra/stack.test.ts). */
const FUNCTIONS = {
  slack: 'SlackFunction4E9309F2',
  events: 'EventsFunctionD12C8C52',
  digest: 'DigestFunction7BDDFF27',
  reconcile: 'ReconcileFunction585E26B3',
} as const;

type FunctionName = keyof typeof FUNCTIONS;

interface Invocation {
  results: ({ ok: true; value: unknown } | { ok: false; error: { name: string; message: string } })[];
  /** Every JSON line the function wrote on stdout (Powertools logs and embedded metrics). */
  lines: Record<string, unknown>[];
}

/** The embedded-metric values a function wrote, summed per metric name. */
function metricsOf(invocation: Invocation): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of invocation.lines) {
    const aws = line._aws as { CloudWatchMetrics?: { Namespace: string; Metrics: { Name: string }[] }[] };
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      if (directive.Namespace !== METRIC_NAMESPACE) continue;
      for (const { Name } of directive.Metrics) totals[Name] = (totals[Name] ?? 0) + Number(line[Name]);
    }
  }
  return totals;
}

describe('the function bundles of the synthesized cloud assembly, run as Lambda runs them', () => {
  const deployment = synthesizedDeployment();
  const { config } = deployment;
  const tableName = 'infrawatch-bundles';
  const secretArn = `arn:aws:secretsmanager:${config.homeRegion}:${config.homeAccount}:secret:InfraWatchSlack-AbCdEf`;
  const work = mkdtempSync(join(tmpdir(), 'infrawatch-bundles-'));
  let engine: DynamoDbEngine;
  let client: DynamoDBClient;
  let slack: SlackStandin;
  let eventbridge: EventBridgeStandin;
  let secrets: SecretsManagerStandin;
  let cloudtrail: CloudTrailStandin;
  let sts: StsStandin;

  beforeAll(async () => {
    engine = await startEngine('dynalite');
    client = engine.client();
    await ensureTable(client, tableName);
    slack = await startSlackStandin({
      botToken: BOT_TOKEN,
      teamId: config.slackTeamId,
      rateLimit: false,
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [{ id: config.defaultChannel ?? 'C0TEST0001', name: 'infrawatch' }],
    });
    eventbridge = await startEventBridgeStandin();
    secrets = await startSecretsManagerStandin();
    cloudtrail = await startCloudTrailStandin();
    sts = await startStsStandin();
    secrets.put(secretArn, JSON.stringify({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([
      slack?.close(),
      eventbridge?.close(),
      secrets?.close(),
      cloudtrail?.close(),
      sts?.close(),
    ]);
    client?.destroy();
    await engine?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /**
   * The environment Lambda gives the function: the template's variables (references resolved to the local
   * resources), Lambda's own variables, and the endpoint overrides that point the real SDK clients and
   * WebClient at the local engines.
   */
  function environmentOf(name: FunctionName): Record<string, string> {
    const resource = deployment.mainJson.Resources[FUNCTIONS[name]];
    const environment = resource?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => {
        if (typeof value === 'string') return [key, value];
        const ref = (value as { Ref?: string }).Ref ?? '';
        if (ref === 'Table') return [key, tableName];
        if (ref.startsWith('SlackSecret')) return [key, secretArn];
        // No SQS here: the served change is an alert's first, which never waits for a delayed render.
        if (ref.startsWith('Renders')) return [key, 'http://127.0.0.1:9/000000000000/infrawatch-renders'];
        throw new Error(`${name}: no local value for ${key} (${JSON.stringify(value)})`);
      }),
    );
    return {
      PATH: process.env.PATH ?? '',
      ...resolved,
      AWS_LAMBDA_FUNCTION_NAME: `InfraWatch-${name}`,
      BUNDLE_TIMEOUT_MS: String(Number(resource?.Properties?.Timeout ?? 10) * 1000),
      AWS_REGION: config.homeRegion,
      AWS_DEFAULT_REGION: config.homeRegion,
      // The home account's key, as the CloudTrail stand-in tells accounts apart (ASIA<account>).
      AWS_ACCESS_KEY_ID: `ASIA${config.homeAccount}`,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: engine.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      SLACK_API_URL: slack.url,
    };
  }

  /** One cold container: a child Node process that requires the bundle and calls its handler per event. */
  async function invoke(name: FunctionName, events: readonly unknown[]): Promise<Invocation> {
    const dir = deployment.assetDirOf(FUNCTIONS[name]);
    const eventsFile = join(work, `${name}-events.json`);
    const resultsFile = join(work, `${name}-results.json`);
    writeFileSync(eventsFile, JSON.stringify(events));
    const { stdout } = await run(
      process.execPath,
      [join(__dirname, '..', 'helpers', 'lambda-bundle-runner.cjs'), dir, eventsFile, resultsFile],
      { cwd: dir, env: environmentOf(name), timeout: 60_000 },
    );
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as Invocation['results'], lines };
  }

  const alice = { userId: 'U0ALICE', userName: 'alice', teamId: config.slackTeamId };
  const channel = config.defaultChannel ?? 'C0TEST0001';

  function signedRequest(body: string): APIGatewayProxyEventV2 {
    return functionUrlEvent({ body, headers: sign(body) });
  }

  it('contains none of the receivers Lambda never runs, nor zod locales', () => {
    const map = JSON.parse(
      readFileSync(join(deployment.assetDirOf(FUNCTIONS.slack), 'index.js.map'), 'utf8'),
    ) as { sources: string[] };
    const trimmed = ['undici', 'iconv-lite', 'express', 'mime-db', 'jsonwebtoken', 'ws', ...NOT_ON_LAMBDA];
    const leaked = map.sources.filter((source) =>
      trimmed.some((name) => source.includes(`node_modules/${name}/`)),
    );
    expect(leaked).toEqual([]);
    // No translation but English. The locales' index itself is kept as soon as a module loaded by import()
    // (the DynamoDB store's codec, loaded lazily by app/runtime.ts) uses zod: esbuild then materialises zod's
    // namespace object, whose `locales` entry is that index; the translations it names stay out.
    expect(
      map.sources.filter(
        (source) =>
          source.includes('zod/v4/locales/') &&
          !source.endsWith('/en.js') &&
          !source.endsWith('/locales/index.js'),
      ),
    ).toEqual([]);
    expect(map.sources.some((source) => source.endsWith('app/lambda/not-on-lambda.ts'))).toBe(true);
  });

  it('events, Slack and digest bundles serve a change, a command, an acknowledgement and a digest', async () => {
    // Act 1: the events bundle takes an SQS batch with a world-open SSH rule.
    const events = await invoke('events', [
      sqsEventOf([corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json')]),
    ]);

    // Assess 1: no failure, one alert posted with its metadata, metrics flushed.
    expect(events.results).toEqual([{ ok: true, value: { batchItemFailures: [] } }]);
    const posted = slack.messages(channel);
    expect(posted).toHaveLength(1);
    const metadata = posted[0]?.metadata as { event_payload?: { alert_id?: string } } | undefined;
    const alertId = metadata?.event_payload?.alert_id;
    expect(alertId).toEqual(expect.any(String));
    expect(metricsOf(events)).toMatchObject({ [METRICS.changesRecorded]: 1, [METRICS.alertsPosted]: 1 });

    // Act 2: a cold Slack container answers /infrawatch help, then Alice acknowledges the alert.
    const help = slashCommand('help', alice, channel);
    const ack = blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId ?? '' }, alice, channel, {
      messageTs: posted[0]?.ts ?? '',
    });
    const slackRun = await invoke('slack', [signedRequest(help), signedRequest(ack)]);

    // Assess 2: both answered 200; the acknowledgement is stored and shown; no auth.test on the cold start.
    expect(
      slackRun.results.map((result) => result.ok && (result.value as { statusCode?: number }).statusCode),
    ).toEqual([200, 200]);
    const helpBody = JSON.parse(
      ((slackRun.results[0] as { value: { body: string } }).value.body as string) || '{}',
    ) as { text?: string };
    expect(helpBody.text).toContain('/infrawatch');
    const store = createDynamoDbStore({ client, tableName });
    expect((await store.alerts.get(alertId ?? ''))?.acknowledgement?.userId).toBe('U0ALICE');
    expect(slack.callsTo('chat.update').filter((call) => call.response.status === 200)).toHaveLength(1);
    expect(slack.callsTo('auth.test')).toEqual([]);
    expect(eventbridge.events.map((event) => event['detail-type'])).toContain(ACKNOWLEDGED_DETAIL_TYPE);
    expect(metricsOf(slackRun)).toMatchObject({ [METRICS.acknowledged]: 1 });

    // Act 3 + Assess 3: the digest bundle runs its daily digest for the channel.
    const digest = await invoke('digest', [{ kind: 'scheduled' }]);
    expect(digest.results).toEqual([
      { ok: true, value: expect.objectContaining({ posted: expect.any(Array) }) },
    ]);
    // Every function read the secret through Secrets Manager, once per container.
    expect(secrets.reads).toEqual([secretArn, secretArn, secretArn]);
  }, 180_000);

  it('the reconcile bundle recovers a change EventBridge never delivered, through member roles', async () => {
    // Prepare: CloudTrail in the home region logged a call that never reached the events function.
    const lost = variant(
      corpusEvent('iam.CreateUser.json'),
      7001,
      new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    Object.assign(lost, { account: config.homeAccount, region: config.homeRegion });
    Object.assign(lost.detail, { awsRegion: config.homeRegion, recipientAccountId: config.homeAccount });
    cloudtrail.history(config.homeRegion).add(lost.detail);
    const before = slack.messages(channel).length;

    // Act: one scheduled run, as EventBridge Scheduler invokes it.
    const reconcile = await invoke('reconcile', [{ kind: 'scheduled' }]);

    // Assess: recovered once and alerted as recovered; the member targets were read through their roles.
    expect(reconcile.results).toEqual([{ ok: true, value: expect.objectContaining({ recovered: 1 }) }]);
    const posted = slack.messages(channel).slice(before);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.blocks)).toContain(
      'Recovered from CloudTrail (not delivered by EventBridge)',
    );
    expect(sts.assumed.length).toBeGreaterThan(0);
    for (const arn of sts.assumed)
      expect(arn).toMatch(/^arn:aws:iam::\d{12}:role\/InfraWatch-reconcile-[a-z0-9-]+$/);
    expect(metricsOf(reconcile)).toMatchObject({ [METRICS.changesRecovered]: 1 });
  }, 180_000);
});
