/**
 * Slack faults: about a fifth of chat.postMessage, chat.update and conversations.history calls fail — 429
 * with a short or long Retry-After, 500 before or after Slack did the work, a malformed answer after it did,
 * ok:false, or no answer until the client's timeout. SQS redelivers what a batch reports as failed, the digest
 * is invoked again until it succeeds: every change, escalation reply and digest must be in Slack exactly once,
 * and no invocation may take longer than its function's timeout.
 */
import { createDigestHandler } from '../../app/lambda/digest';
import { lambdaContext } from '../../app/local/lambda-invocation';
import { ESCALATION_METADATA_TYPE } from '../../app/slack/alert-messenger';
import { DIGEST_METADATA_TYPE } from '../../app/slack/digest-messenger';
import { FUNCTION_TIMEOUTS } from '../../infra/stacks/infrawatch-stack';
import { describeChange } from '../../src/changes/describe';
import { type Pipeline, usePipeline } from '../helpers/pipeline';
import { DYNAMODB_ENGINES } from '../helpers/stores';
import { auditDeliveries } from './audit';
import {
  deliverUntilDone,
  EVENTS_INVOCATION_BUDGET_MS,
  randomFor,
  reportFigures,
  SEED,
  shuffle,
} from './harness';
import { slackFaultPlan } from './slack-faults';
import { escalatingBursts, expectedChannels, fixtureEvents, SUBSCRIPTIONS } from './workload';

const FAULTED = ['chat.postMessage', 'chat.update', 'conversations.history'];

/** Messages in `channel` (thread replies included) whose metadata has `eventType`, by alert id or run key. */
function markedMessages(pipeline: Pipeline, channel: string, eventType: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of pipeline.slack.messages(channel)) {
    const meta = message.metadata as
      | { event_type?: string; event_payload?: Record<string, unknown> }
      | undefined;
    if (meta?.event_type !== eventType) continue;
    const key = String(meta.event_payload?.alert_id ?? meta.event_payload?.run_key ?? JSON.stringify(meta));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Invokes the digest as EventBridge Scheduler's retries would, until an invocation succeeds. */
async function digestUntilDone(pipeline: Pipeline, budgetMs: number) {
  const digest = createDigestHandler(pipeline.env, { log: pipeline.log });
  const figures = { invocations: 0, slowestMs: 0, posted: [] as string[] };
  for (let attempt = 0; attempt < 20; attempt++) {
    figures.invocations += 1;
    const started = performance.now();
    const result = await digest({ kind: 'scheduled' }, lambdaContext('infrawatch-digest')).then(
      (answer) => ({ done: true as const, posted: answer?.posted ?? [] }),
      // Thrown: the asynchronous invocation is retried.
      () => ({ done: false as const, posted: [] }),
    );
    figures.slowestMs = Math.max(figures.slowestMs, Math.round(performance.now() - started));
    if (figures.slowestMs > budgetMs) throw new Error(`a digest invocation took ${figures.slowestMs} ms`);
    if (result.done) {
      figures.posted.push(...result.posted);
      return figures;
    }
  }
  throw new Error('the digest never succeeded');
}

describe.each(DYNAMODB_ENGINES)('Slack faults on %s', (engine) => {
  const pipelines = usePipeline(engine);

  it('posts every change, escalation reply and digest exactly once through a fifth of Slack calls failing', async () => {
    // Prepare: a seeded fault plan on the stand-in; 60 changes and 5 info bursts, then the bursts turn critical.
    const random = randomFor(`slack-faults/${engine}`);
    const faults = slackFaultPlan(SEED, { rate: 0.2, methods: FAULTED, maxHangs: 3 });
    const pipeline = await pipelines.start({ slack: { faults: faults.plan } });
    for (const [channel, watches] of Object.entries(SUBSCRIPTIONS))
      await pipeline.store.config.subscribe(channel, watches, 'U0ADMIN', new Date().toISOString());
    const events = fixtureEvents(random, 60);
    const bursts = escalatingBursts(5);
    const handlers = [pipeline.handler, pipeline.instance()];

    // Act: the changes (some twice), then the critical ones, then the daily digest.
    const first = await deliverUntilDone({
      handlers,
      bodies: shuffle(random, [...events, ...events.slice(0, 20), ...bursts.quiet]),
      batchSize: 10,
      concurrency: 2,
    });
    const second = await deliverUntilDone({
      handlers,
      bodies: bursts.critical,
      batchSize: 5,
      concurrency: 2,
    });
    const digestBudget = FUNCTION_TIMEOUTS.digest.toMilliseconds();
    const digest = await digestUntilDone(pipeline, digestBudget);
    // The scheduler's retry of an invocation that did succeed (a lost answer): posts nothing more.
    const again = await digestUntilDone(pipeline, digestBudget);

    // Assess: every change once; one escalation reply per burst and channel; one digest per channel.
    const all = [...events, ...bursts.quiet, ...bursts.critical];
    const expected = expectedChannels(all);
    const audit = await auditDeliveries(pipeline.store, pipeline.slack, expected);
    const problems = [...audit.problems];
    let escalationReplies = 0;
    for (const raise of bursts.critical) {
      const id = describeChange(raise).id;
      for (const channel of expected.get(id) ?? []) {
        const delivery = await pipeline.store.deliveries.get(id, channel);
        if (delivery?.kind !== 'alert') continue;
        const replies =
          markedMessages(pipeline, channel, ESCALATION_METADATA_TYPE).get(delivery.alertId) ?? 0;
        escalationReplies += replies;
        if (replies === 0) audit.lost += 1;
        if (replies > 1) audit.duplicates += replies - 1;
        if (replies !== 1)
          problems.push(`alert ${delivery.alertId} in ${channel}: ${replies} escalation replies`);
      }
    }
    const digestChannels = new Set(digest.posted);
    let digests = 0;
    for (const channel of digestChannels) {
      const posted = [...markedMessages(pipeline, channel, DIGEST_METADATA_TYPE).values()];
      digests += posted.reduce((a, b) => a + b, 0);
      if (posted.length !== 1 || posted[0] !== 1) {
        audit.duplicates += Math.max(0, posted.reduce((a, b) => a + b, 0) - 1);
        audit.lost += posted.length === 0 ? 1 : 0;
        problems.push(`digest in ${channel}: ${JSON.stringify(posted)} messages`);
      }
    }
    if (again.posted.length > 0)
      problems.push(`the digest's retry posted again in ${again.posted.join(', ')}`);
    if (digestChannels.size === 0) problems.push('no digest was posted');
    const slowest = Math.max(first.slowestInvocationMs, second.slowestInvocationMs);
    if (slowest > EVENTS_INVOCATION_BUDGET_MS) problems.push(`an events invocation took ${slowest} ms`);

    reportFigures(
      `Slack faults (${engine})`,
      {
        events: all.length,
        messages: first.messages + second.messages,
        invocations: first.invocations + second.invocations,
        retries: first.retries + second.retries,
        maxReceives: Math.max(first.maxReceives, second.maxReceives),
        slowestInvocationMs: slowest,
        digestInvocations: digest.invocations,
        slowestDigestMs: digest.slowestMs,
        slackCalls: pipeline.slack.calls.length,
        faults: faults.total(),
        ...Object.fromEntries(Object.entries(faults.injected).map(([name, n]) => [`fault.${name}`, n])),
        alerts: audit.alerts,
        posts: audit.posts,
        escalationReplies,
        digests,
        lost: audit.lost + first.undelivered + second.undelivered,
        duplicates: audit.duplicates,
      },
      problems,
    );
  }, 400_000);
});
