import { createReconcileHandler } from '../../app/lambda/reconcile';
import { type CloudTrailStandin, startCloudTrailStandin } from '../../app/local/cloudtrail-standin';
import { lambdaContext } from '../../app/local/lambda-invocation';
import type { FlushingMetrics } from '../../app/metrics';
import { METRICS } from '../../src/metrics';
import { corpusEvent, sqsBatch, variant } from '../helpers/events';
import { CHANNELS, usePipeline } from '../helpers/pipeline';
import { DYNAMODB_ENGINES } from '../helpers/stores';

const minutesAgo = (minutes: number) =>
  new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function countingMetrics(): FlushingMetrics & { totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  return {
    totals,
    count(name, value = 1) {
      totals[name] = (totals[name] ?? 0) + value;
    },
    flush: () => undefined,
  };
}

describe.each(DYNAMODB_ENGINES)(
  'the reconcile Lambda entry against the CloudTrail stand-in (%s)',
  (engine) => {
    const pipelines = usePipeline(engine);
    let cloudtrail: CloudTrailStandin;
    beforeAll(async () => {
      cloudtrail = await startCloudTrailStandin();
    });
    afterAll(async () => {
      await cloudtrail?.close();
    });

    it('recovers the change EventBridge lost exactly once, and its late delivery posts nothing', async () => {
      // Prepare: CloudTrail logged two calls; EventBridge delivers only the first to the events function.
      const pipeline = await pipelines.start();
      const ssh = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
      const delivered = variant(ssh, 901, minutesAgo(6));
      const lost = variant(corpusEvent('iam.CreateUser.json'), 902, minutesAgo(5));
      const region = String(ssh.detail.awsRegion);
      // IAM is global: CloudTrail records it in us-east-1, in the account of the other call.
      Object.assign(lost, { account: ssh.account, region });
      Object.assign(lost.detail, { awsRegion: region, recipientAccountId: ssh.account });
      for (const event of [delivered, lost])
        cloudtrail.history(String(event.detail.awsRegion)).add(event.detail);
      await pipeline.handler(sqsBatch([delivered]), lambdaContext('events'));
      expect(pipeline.slack.messages(CHANNELS[0])).toHaveLength(1);

      const targets = [...new Set([region, String(lost.detail.awsRegion)])].map((r) => ({
        account: String(ssh.account),
        region: r,
      }));
      const metrics = countingMetrics();
      const reconcile = createReconcileHandler(
        {
          TABLE_NAME: pipeline.tableName,
          DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
          SLACK_BOT_TOKEN: 'xoxb-test-0000-infrawatch',
          SLACK_API_URL: pipeline.slack.url,
          DEFAULT_CHANNEL: CHANNELS[0],
          SLACK_POST_INTERVAL_MS: '0',
          RECONCILE_TARGETS: JSON.stringify(targets),
          CLOUDTRAIL_ENDPOINT: cloudtrail.endpoint,
          RECONCILE_LAG_SECONDS: '60',
        },
        { log: { info: () => undefined, warn: () => undefined, error: () => undefined }, metrics },
      );

      // Act 1: the scheduled run.
      const first = await reconcile({ kind: 'scheduled' }, lambdaContext('reconcile'));

      // Assess 1: the lost change is alerted, marked recovered; the delivered one is left alone.
      expect(first?.recovered).toBe(1);
      const messages = pipeline.slack.messages(CHANNELS[0]);
      expect(messages).toHaveLength(2);
      expect(JSON.stringify(messages[1]?.blocks)).toContain(
        'Recovered from CloudTrail (not delivered by EventBridge)',
      );
      expect(JSON.stringify(messages[0]?.blocks)).not.toContain('Recovered from CloudTrail');
      expect(metrics.totals[METRICS.changesRecovered]).toBe(1);
      expect(
        cloudtrail.requests.every((r) => r.request.LookupAttributes?.[0]?.AttributeValue === 'false'),
      ).toBe(true);

      // Act 2: EventBridge delivers the lost event after all; the next run reads the same window again.
      const late = await pipeline.handler(sqsBatch([lost]), lambdaContext('events'));
      const second = await reconcile({ kind: 'scheduled' }, lambdaContext('reconcile'));

      // Assess 2: nothing posted twice, nothing recovered twice; the message keeps its mark.
      expect(late?.batchItemFailures).toEqual([]);
      expect(second?.recovered).toBe(0);
      expect(
        pipeline.slack.callsTo('chat.postMessage').filter((c) => c.response.status === 200),
      ).toHaveLength(2);
      expect(JSON.stringify(pipeline.slack.messages(CHANNELS[0])[1]?.blocks)).toContain(
        'Recovered from CloudTrail',
      );
      expect((await pipeline.store.changes.get(String(lost.detail.eventID)))?.change.id).toBe(
        String(lost.detail.eventID),
      );
    }, 60_000);

    it('posts the heartbeat notice once for an account that went quiet, however often it runs', async () => {
      // Prepare: an account with changes on each of the last 5 days until 25 h ago, and nothing since.
      const pipeline = await pipelines.start();
      const account = '444455556666';
      for (let day = 5; day >= 1; day--)
        await pipeline.pipelineStore.noteActivity(account, minutesAgo(60 * (24 * day + 1)));
      const reconcile = createReconcileHandler(
        {
          TABLE_NAME: pipeline.tableName,
          DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
          SLACK_BOT_TOKEN: 'xoxb-test-0000-infrawatch',
          SLACK_API_URL: pipeline.slack.url,
          DEFAULT_CHANNEL: CHANNELS[0],
          SLACK_POST_INTERVAL_MS: '0',
          RECONCILE_TARGETS: JSON.stringify([{ account, region: 'eu-north-1' }]),
          CLOUDTRAIL_ENDPOINT: cloudtrail.endpoint,
        },
        { log: { info: () => undefined, warn: () => undefined, error: () => undefined } },
      );

      // Act: three scheduled runs.
      for (let run = 0; run < 3; run++) await reconcile({ kind: 'scheduled' }, lambdaContext('reconcile'));

      // Assess
      const notices = pipeline.slack
        .messages(CHANNELS[0])
        .filter((m) => m.text.includes(`has not seen a change from account ${account}`));
      expect(notices).toHaveLength(1);
      expect(notices[0]?.text).toContain('is the trail still logging?');
    }, 60_000);

    it('drops an input that is not a trigger, with a log line', async () => {
      const pipeline = await pipelines.start();
      const errors: string[] = [];
      const reconcile = createReconcileHandler(
        {
          TABLE_NAME: pipeline.tableName,
          DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
          SLACK_BOT_TOKEN: 'xoxb-test-0000-infrawatch',
          SLACK_API_URL: pipeline.slack.url,
        },
        {
          log: {
            info: () => undefined,
            warn: () => undefined,
            error: (message) => void errors.push(message),
          },
        },
      );
      expect(await reconcile({ hello: 'world' }, lambdaContext('reconcile'))).toBeUndefined();
      expect(errors).toEqual(['Ignored an input that is not a reconcile trigger']);
    });
  },
);
