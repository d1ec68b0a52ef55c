import type { SQSBatchResponse } from 'aws-lambda';
import { ALERT_METADATA_TYPE } from '../../app/slack/alert-messenger';
import { describeChange } from '../../src/changes/describe';
import { builtInCatalog } from '../../src/watches';
import {
  corpusEvent,
  type EventBridgeEvent,
  lambdaContext,
  sqsBatch,
  uniqueCorpusEvents,
  variant,
} from '../helpers/events';
import { BOT_TOKEN, CHANNELS, type Pipeline, usePipeline } from '../helpers/pipeline';
import { standinWebClient } from '../helpers/slack-standin-client';
import { DYNAMODB_ENGINES } from '../helpers/stores';

const [DEFAULT, SECURITY, NETWORK, IAM] = CHANNELS;
const NOW = '2026-11-27T10:00:00.000Z';

/** Alert ids of the messages InfraWatch posted to a channel (from their metadata). */
function postedAlertIds(pipeline: Pipeline, channel: string): string[] {
  return pipeline.slack
    .messages(channel)
    .map((m) => m.metadata as { event_type?: string; event_payload?: { alert_id?: string } } | undefined)
    .filter((meta) => meta?.event_type === ALERT_METADATA_TYPE)
    .map((meta) => meta?.event_payload?.alert_id ?? '');
}

function postCount(pipeline: Pipeline): number {
  return pipeline.slack
    .callsTo('chat.postMessage')
    .filter((call) => typeof call.response.body === 'object' && call.response.body.ok === true).length;
}

async function run(pipeline: Pipeline, bodies: readonly (object | string)[]): Promise<SQSBatchResponse> {
  const response = await pipeline.handler(sqsBatch(bodies), lambdaContext());
  if (!response) throw new Error('SQS invocations answer with a batch response');
  return response;
}

/** The change id InfraWatch uses: the CloudTrail eventID (the envelope id for eventVersion 1.0 records). */
const changeId = (event: EventBridgeEvent): string => describeChange(event).id;

/** The changes a channel received (alert id per change), read back from the table. */
async function deliveredAlerts(pipeline: Pipeline, events: readonly EventBridgeEvent[], channel: string) {
  const alerts = new Map<string, string>();
  for (const event of events) {
    const id = changeId(event);
    const delivery = await pipeline.store.deliveries.get(id, channel);
    if (delivery?.kind === 'alert') alerts.set(id, delivery.alertId);
  }
  return alerts;
}

/** Three info changes by one actor, then (30 s later) the same actor opening SSH to the world. */
function escalatingBurst(): { first: EventBridgeEvent[]; open: EventBridgeEvent } {
  const quiet = corpusEvent('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
  const start = Date.parse('2026-11-27T09:00:00Z');
  const first = [0, 1, 2].map((i) => variant(quiet, i, new Date(start + i * 10_000).toISOString()));
  // Same actor, same account, same watch: world-open SSH.
  const open = variant(
    corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json'),
    3,
    new Date(start + 30_000).toISOString(),
  );
  open.detail.userIdentity = structuredClone(quiet.detail.userIdentity);
  open.detail.recipientAccountId = quiet.detail.recipientAccountId;
  open.account = quiet.account;
  return { first, open };
}

describe.each(DYNAMODB_ENGINES)('events pipeline on %s', (engine) => {
  const pipelines = usePipeline(engine);

  it('posts every routed change once per subscribed channel, grouped per actor and watch', async () => {
    // Prepare: the default channel gets everything (bootstrap), others subscribe to some watches.
    const pipeline = await pipelines.start();
    await pipeline.store.config.subscribe(SECURITY, ['security-groups', 'iam', 'cloudtrail'], 'U1', NOW);
    await pipeline.store.config.subscribe(NETWORK, ['vpc', 'route-tables', 'security-groups'], 'U1', NOW);
    const events = [...uniqueCorpusEvents().values()];

    // Act
    const response = await run(pipeline, events);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const watched = events.filter((event) => describeChange(event, builtInCatalog).watches.length > 0);
    const expectations: [string, string[] | null][] = [
      [DEFAULT, null],
      [SECURITY, ['security-groups', 'iam', 'cloudtrail']],
      [NETWORK, ['vpc', 'route-tables', 'security-groups']],
      [IAM, []],
    ];
    for (const [channel, watches] of expectations) {
      const expected = watched.filter(
        (event) =>
          watches === null || describeChange(event, builtInCatalog).watches.some((w) => watches.includes(w)),
      );
      const delivered = await deliveredAlerts(pipeline, events, channel);
      expect(delivered.size).toBe(expected.length);
      // One message per alert, and every alert that carries a change has exactly one message.
      const posted = postedAlertIds(pipeline, channel);
      expect(new Set(posted).size).toBe(posted.length);
      expect(new Set(posted)).toEqual(new Set(delivered.values()));
    }
    expect(pipeline.slack.messages(IAM)).toEqual([]);
  }, 90_000);

  it('turns duplicates, sequential and concurrent, into no second post', async () => {
    const pipeline = await pipelines.start();
    const event = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');

    await run(pipeline, [event]);
    await run(pipeline, [event, event]);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => run(pipeline, [event])));

    expect(concurrent.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(postCount(pipeline)).toBe(1);
    expect(postedAlertIds(pipeline, DEFAULT)).toHaveLength(1);
    const stored = await pipeline.store.changes.get(String(event.detail.eventID));
    expect(stored?.change.severity).toBe('critical');
  });

  it('delivers ten concurrent copies of a fresh change exactly once', async () => {
    const pipeline = await pipelines.start();
    const event = corpusEvent('iam.CreateAccessKey.json');

    const responses = await Promise.all(Array.from({ length: 10 }, () => run(pipeline, [event])));

    // A copy that lost the race for the render may ask for a retry; none may post again.
    const retried = responses.filter((r) => r.batchItemFailures.length > 0).length;
    if (retried > 0) await run(pipeline, [event]);
    expect(postCount(pipeline)).toBe(1);
  });

  it('records muted changes without posting them and counts them', async () => {
    const pipeline = await pipelines.start();
    await pipeline.store.config.bootstrap(DEFAULT, NOW);
    await pipeline.store.config.putMute({
      channel: DEFAULT,
      type: 'watch',
      value: 'iam',
      setBy: 'U1',
      setAt: NOW,
      expiresAt: '2999-01-01T00:00:00.000Z',
    });
    const iam = [...uniqueCorpusEvents().entries()]
      .filter(([file]) => file.startsWith('iam.'))
      .map(([, e]) => e);
    const ec2 = corpusEvent('ec2.RunInstances.json');

    const response = await run(pipeline, [...iam, ec2]);

    expect(response.batchItemFailures).toEqual([]);
    expect(postedAlertIds(pipeline, DEFAULT)).toHaveLength(1);
    for (const event of iam) {
      expect(await pipeline.store.deliveries.get(changeId(event), DEFAULT)).toMatchObject({
        kind: 'muted',
        mute: 'watch:iam',
      });
      expect((await pipeline.store.changes.get(changeId(event)))?.change.id).toBe(changeId(event));
    }
    expect(await pipeline.store.deliveries.countMuted(DEFAULT, '1970-01-01T00:00:00Z')).toBe(iam.length);
  });

  it('turns a burst of 500 changes by one actor into at most 5 messages that account for all 500', async () => {
    const pipeline = await pipelines.start();
    const base = corpusEvent('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
    const start = Date.parse('2026-11-27T09:00:00Z');
    // A terraform apply: 500 calls over about four minutes, delivered in SQS batches of 10, 4 at a time.
    const events = Array.from({ length: 500 }, (_, i) =>
      variant(base, i, new Date(start + i * 500).toISOString()),
    );
    const batches = Array.from({ length: 50 }, (_, i) => events.slice(i * 10, i * 10 + 10));
    let pending = batches;
    for (let round = 0; pending.length > 0 && round < 5; round++) {
      const failed: EventBridgeEvent[][] = [];
      for (let i = 0; i < pending.length; i += 4) {
        const slice = pending.slice(i, i + 4);
        const responses = await Promise.all(slice.map((batch) => run(pipeline, batch)));
        responses.forEach((response, j) => {
          if (response.batchItemFailures.length > 0) failed.push(slice[j] ?? []);
        });
      }
      pending = failed;
    }
    expect(pending).toEqual([]);

    const alerts = new Set(postedAlertIds(pipeline, DEFAULT));
    expect(alerts.size).toBeGreaterThanOrEqual(1);
    expect(alerts.size).toBeLessThanOrEqual(5);
    let total = 0;
    for (const alertId of alerts) {
      const alert = await pipeline.store.alerts.get(alertId);
      expect(alert?.renderedRev).toBe(alert?.rev);
      total += (await pipeline.store.alerts.lines(alertId)).length;
      expect(alert?.changeCount).toBe((await pipeline.store.alerts.lines(alertId)).length);
    }
    expect(total).toBe(500);
    expect(postCount(pipeline)).toBe(alerts.size);
    // The message itself says how many changes it carries.
    const counts = pipeline.slack
      .messages(DEFAULT)
      .map((m) => Number(/(\d+) (?:\S+ )?changes/.exec(m.text)?.[1] ?? 0));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
  }, 120_000);

  it('pings the channel once when a critical change joins a burst that was already posted', async () => {
    const pipeline = await pipelines.start();
    const { first, open } = escalatingBurst();

    await run(pipeline, first);
    await run(pipeline, [open]);
    await run(pipeline, [open]);

    const [alertId, ...others] = postedAlertIds(pipeline, DEFAULT);
    expect(others).toEqual([]);
    const top = pipeline.slack
      .messages(DEFAULT)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
    expect(top).toHaveLength(1);
    const replies = pipeline.slack.replies(DEFAULT, top[0]?.ts ?? '');
    expect(replies.map((r) => r.text)).toEqual([
      expect.stringMatching(/^🔴 \*Critical\* change in this burst of 4 changes: .*tcp\/22/),
    ]);
    const broadcast = pipeline.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.reply_broadcast === true || c.args.reply_broadcast === 'true');
    expect(broadcast).toHaveLength(1);
    expect((await pipeline.store.alerts.get(alertId ?? ''))?.severity).toBe('critical');
  });

  it('pings once when the escalation reply reached Slack but its answer was lost', async () => {
    // Prepare: an info burst is posted; then a critical change joins it.
    const pipeline = await pipelines.start();
    const { first, open } = escalatingBurst();
    await run(pipeline, first);
    pipeline.slack.failNext('chat.postMessage', { status: 504, afterApplying: true });

    // Act: the broadcast reply is posted but answered 504, so the change is retried (twice).
    const lost = await run(pipeline, [open]);
    const retried = await run(pipeline, [open]);
    await run(pipeline, [open]);

    // Assess
    expect(lost.batchItemFailures).toHaveLength(1);
    expect(retried.batchItemFailures).toEqual([]);
    const top = pipeline.slack
      .messages(DEFAULT)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
    expect(top).toHaveLength(1);
    expect(pipeline.slack.replies(DEFAULT, top[0]?.ts ?? '')).toHaveLength(1);
    const alert = await pipeline.store.alerts.get(postedAlertIds(pipeline, DEFAULT)[0] ?? '');
    expect(alert).toMatchObject({ notifiedSeverity: 'critical', renderedRev: alert?.rev });
  });

  it('finds a lost post in a busy channel, past the first page of its history', async () => {
    // Prepare: the post reaches Slack but its answer is lost; then 250 other messages arrive.
    const pipeline = await pipelines.start();
    const event = corpusEvent('iam.AttachUserPolicy.json');
    pipeline.slack.failNext('chat.postMessage', { status: 504, afterApplying: true });
    expect((await run(pipeline, [event])).batchItemFailures).toHaveLength(1);
    const chatter = standinWebClient(pipeline.slack, { token: BOT_TOKEN });
    for (let i = 0; i < 250; i++) await chatter.chat.postMessage({ channel: DEFAULT, text: `chatter ${i}` });

    // Act
    const retry = await run(pipeline, [event]);

    // Assess: still one alert message, and the alert points at it.
    expect(retry.batchItemFailures).toEqual([]);
    const [alertId, ...more] = postedAlertIds(pipeline, DEFAULT);
    expect(more).toEqual([]);
    const message = pipeline.slack.messages(DEFAULT).find((m) => m.metadata !== undefined);
    expect((await pipeline.store.alerts.get(alertId ?? ''))?.message?.ts).toBe(message?.ts);
  }, 30_000);

  it('posts a fresh message, saying so, when the burst’s message was deleted in Slack', async () => {
    // Prepare: a burst is posted, then a workspace admin deletes its message.
    const pipeline = await pipelines.start();
    const { first, open } = escalatingBurst();
    await run(pipeline, first.slice(0, 2));
    const [alertId = ''] = postedAlertIds(pipeline, DEFAULT);
    const gone = pipeline.slack.messages(DEFAULT)[0]?.ts ?? '';
    expect(pipeline.slack.removeMessage(DEFAULT, gone)).toBe(true);

    // Act: more changes of the same burst arrive, a critical one among them.
    const response = await run(pipeline, [first[2] as EventBridgeEvent, open]);

    // Assess: nothing is left to retry; the alert has one new message with all four changes and the note.
    expect(response.batchItemFailures).toEqual([]);
    expect(postedAlertIds(pipeline, DEFAULT)).toEqual([alertId]);
    const [fresh, ...others] = pipeline.slack.messages(DEFAULT);
    expect(others).toEqual([]);
    expect(fresh?.ts).not.toBe(gone);
    expect(JSON.stringify(fresh?.blocks)).toContain('earlier message for this alert was removed');
    expect(fresh?.text).toMatch(/4 /);
    const alert = await pipeline.store.alerts.get(alertId);
    expect(alert).toMatchObject({ message: { ts: fresh?.ts }, renderedRev: alert?.rev });
  });

  it('retries after Slack 500 and 429 answers without losing or duplicating a post', async () => {
    const pipeline = await pipelines.start();
    const events = [
      corpusEvent('cloudtrail.StopLogging.json'),
      corpusEvent('s3.PutBucketPolicy.public.json'),
      corpusEvent('signin.ConsoleLogin.root-success.json'),
    ];
    pipeline.slack.failNext('chat.postMessage', { status: 500 });
    pipeline.slack.failNext('chat.postMessage', { status: 429, retryAfter: 30 });

    const first = await run(pipeline, events);
    expect(first.batchItemFailures).toHaveLength(2);

    const retry = await run(pipeline, events);
    expect(retry.batchItemFailures).toEqual([]);
    expect(postedAlertIds(pipeline, DEFAULT)).toHaveLength(3);
    expect(postCount(pipeline)).toBe(3);
  });

  it('waits out a short Retry-After within the invocation', async () => {
    const pipeline = await pipelines.start();
    pipeline.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });

    const response = await run(pipeline, [corpusEvent('cloudtrail.DeleteTrail.json')]);

    expect(response.batchItemFailures).toEqual([]);
    expect(postCount(pipeline)).toBe(1);
  });

  it('finds a post whose answer was lost instead of posting it again', async () => {
    const pipeline = await pipelines.start();
    const event = corpusEvent('iam.AttachUserPolicy.json');
    pipeline.slack.failNext('chat.postMessage', { status: 504, afterApplying: true });

    const first = await run(pipeline, [event]);
    expect(first.batchItemFailures).toHaveLength(1);
    expect(pipeline.slack.messages(DEFAULT)).toHaveLength(1);

    const retry = await run(pipeline, [event]);
    expect(retry.batchItemFailures).toEqual([]);
    expect(pipeline.slack.messages(DEFAULT)).toHaveLength(1);
    const alert = await pipeline.store.alerts.get(postedAlertIds(pipeline, DEFAULT)[0] ?? '');
    expect(alert?.message?.ts).toBe(pipeline.slack.messages(DEFAULT)[0]?.ts);
  });

  it('spaces posts to one channel by Slack’s one message per second', async () => {
    const pipeline = await pipelines.start({
      env: { SLACK_POST_INTERVAL_MS: '1000' },
      slack: { rateLimit: { perChannelPerSecond: 1, burst: 1 } },
    });
    const events = ['cloudtrail.StopLogging.json', 'iam.CreateUser.json', 'ec2.CreateVpc.json'].map(
      corpusEvent,
    );

    const response = await run(pipeline, events);

    // Network jitter may still trip Slack's limit now and then; Retry-After is honoured within the invocation.
    expect(response.batchItemFailures).toEqual([]);
    const posted = pipeline.slack.callsTo('chat.postMessage').filter((call) => call.response.status === 200);
    expect(posted).toHaveLength(3);
    for (let i = 1; i < posted.length; i++) {
      expect((posted[i]?.at ?? 0) - (posted[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    }
  }, 20_000);

  it('fails only the record that cannot be processed; permanently invalid input is recorded as rejected', async () => {
    const pipeline = await pipelines.start();
    const good = corpusEvent('ec2.TerminateInstances.json');
    const notJson = '{"detail-type": "AWS API Call via CloudTrail", ';
    const notCloudTrail = {
      ...corpusEvent('ec2.RunInstances.json'),
      'detail-type': 'EC2 Instance State-change Notification',
    };
    pipeline.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const unlucky = corpusEvent('s3.DeleteBucketPolicy.json');

    const batch = sqsBatch([unlucky, notJson, good, notCloudTrail]);
    const response = await pipeline.handler(batch, lambdaContext());

    // The Slack failure hits one change (retryable); the invalid bodies are rejected, not retried.
    const failed = response?.batchItemFailures.map((f) => f.itemIdentifier) ?? [];
    expect(failed).toHaveLength(1);
    expect([batch.Records[0]?.messageId, batch.Records[2]?.messageId]).toContain(failed[0]);
    const rejected = pipeline.logs.filter((line) => line.message.startsWith('Rejected input'));
    expect(rejected.map((line) => line.attributes.messageId)).toEqual([
      batch.Records[1]?.messageId,
      batch.Records[3]?.messageId,
    ]);
    expect(String(rejected[1]?.attributes.reason)).toMatch(/detail-type/);
    expect(postCount(pipeline)).toBe(1);
  });

  it('rejects, with a reason and without a retry, events whose time or ids the table cannot store', async () => {
    // Prepare: what fails on every retry if it reaches the store (a NaN TTL, a key over DynamoDB's limits).
    const pipeline = await pipelines.start();
    const base = corpusEvent('iam.CreateUser.json');
    const broken = (index: number, change: (event: EventBridgeEvent) => void) => {
      const event = variant(base, 900 + index);
      change(event);
      return event;
    };
    const events = [
      broken(0, (e) => {
        e.detail.eventTime = '';
      }),
      broken(1, (e) => {
        e.detail.eventTime = 'not-a-date';
      }),
      broken(2, (e) => {
        e.detail.eventTime = '1e12';
      }),
      broken(3, (e) => {
        e.detail.eventID = 'e'.repeat(3000);
      }),
      broken(4, (e) => {
        e.account = '1'.repeat(2100);
      }),
      broken(5, (e) => {
        (e.detail.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::1:user/${'x'.repeat(2100)}`;
      }),
    ];

    // Act
    const response = await run(pipeline, [...events, corpusEvent('ec2.CreateVpc.json')]);

    // Assess: only the good event was posted; the others are rejected once, each with a reason naming the field.
    expect(response.batchItemFailures).toEqual([]);
    expect(postCount(pipeline)).toBe(1);
    const rejected = await pipeline.store.rejected.between(
      new Date(Date.now() - 3600_000).toISOString(),
      new Date().toISOString(),
      10,
    );
    expect(rejected.count).toBe(6);
    expect(rejected.first.map((r) => r.reason)).toEqual([
      expect.stringMatching(/detail\.eventTime is not an ISO-8601 time .*\(got ''\)/),
      expect.stringMatching(/detail\.eventTime is not an ISO-8601 time .*\(got 'not-a-date'\)/),
      expect.stringMatching(/detail\.eventTime is not an ISO-8601 time .*\(got '1e12'\)/),
      expect.stringMatching(/detail\.eventID is longer than 256 bytes/),
      expect.stringMatching(/account is longer than 64 bytes/),
      expect.stringMatching(/detail\.userIdentity\.arn is longer than 1024 bytes/),
    ]);
  });

  it('accepts a direct EventBridge invocation and throws when it must be retried', async () => {
    const pipeline = await pipelines.start();
    await expect(
      pipeline.handler(corpusEvent('ec2.DeleteVpc.json'), lambdaContext()),
    ).resolves.toBeUndefined();
    expect(postCount(pipeline)).toBe(1);

    pipeline.slack.failNext('chat.postMessage', { status: 500 });
    await expect(pipeline.handler(corpusEvent('ec2.CreateVpc.json'), lambdaContext())).rejects.toThrow(
      /could not be processed/,
    );
    await expect(
      pipeline.handler(corpusEvent('ec2.CreateVpc.json'), lambdaContext()),
    ).resolves.toBeUndefined();
    expect(postCount(pipeline)).toBe(2);
  });
});
