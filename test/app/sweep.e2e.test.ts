import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogPort } from '../../app/events/process-events';
import { createEventsHandler } from '../../app/lambda/events';
import { createSweepHandler, SweepFailedError } from '../../app/lambda/sweep';
import { ESCALATION_STEP_METADATA_TYPE } from '../../app/slack/alert-messenger';
import type { RenderRequest } from '../../src/use-cases/coalesce-renders';
import { corpusEvent, lambdaContext, sqsBatch, variant } from '../helpers/events';
import { BOT_TOKEN, CHANNELS, type Pipeline, usePipeline } from '../helpers/pipeline';
import { DYNAMODB_ENGINES } from '../helpers/stores';

const [CHANNEL] = CHANNELS;
/** 15 minutes become 3 s: the real handlers on the real clock, without waiting a quarter of an hour. */
const TIME_SCALE = '300';
const STEP_MS = 3_000;

const silent: LogPort = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The escalation steps sent: their step number (metadata marker), text, and how they were posted. */
function stepsIn(pipeline: Pipeline): { step: string; text: string; broadcast: boolean }[] {
  return pipeline.slack.callsTo('chat.postMessage').flatMap(({ args, response }) => {
    const meta = args.metadata as { event_type?: string; event_payload?: { step?: string } } | undefined;
    if (meta?.event_type !== ESCALATION_STEP_METADATA_TYPE) return [];
    if (typeof response.body !== 'object' || response.body.ok !== true) return [];
    return [
      {
        step: meta.event_payload?.step ?? '',
        text: String(args.text ?? ''),
        broadcast: String(args.reply_broadcast) === 'true' && typeof args.thread_ts === 'string',
      },
    ];
  });
}

/**
 * A proxy in front of the Slack stand-in that forwards the next `n` thread replies and then cuts the
 * connection instead of answering: the reply is in Slack, the caller never hears so.
 */
async function losingProxy(
  target: string,
): Promise<{ url: string; loseReplies(n: number): void; close(): Promise<void> }> {
  let lose = 0;
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const isReply = incoming.url?.endsWith('chat.postMessage') && body.toString().includes('thread_ts');
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          if (isReply && lose > 0) {
            lose -= 1;
            answer.resume();
            outgoing.socket?.destroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    loseReplies: (n) => {
      lose = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(DYNAMODB_ENGINES)('sweep Lambda on %s', (engine) => {
  const pipelines = usePipeline(engine);

  async function setup(slackUrl?: (pipeline: Pipeline) => string) {
    const pipeline = await pipelines.start({ env: { ESCALATION_TIME_SCALE: TIME_SCALE } });
    const sweep = createSweepHandler(
      {
        TABLE_NAME: pipeline.tableName,
        DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: slackUrl ? slackUrl(pipeline) : pipeline.slack.url,
        SLACK_POST_INTERVAL_MS: '0',
        ESCALATION_TIME_SCALE: TIME_SCALE,
      },
      { log: silent },
    );
    // Started before the change arrives (a cold start on a loaded machine can take longer than a step).
    expect(await sweep({}, lambdaContext())).toMatchObject({ stepsSent: 0 });
    const critical = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    const response = await pipeline.handler(sqsBatch([critical]), lambdaContext());
    expect(response?.batchItemFailures).toEqual([]);
    return { pipeline, sweep };
  }

  it('escalates a critical alert once per step at its due time, announces it, then stops', async () => {
    // Prepare
    const { pipeline, sweep } = await setup();
    expect(await sweep({}, lambdaContext())).toMatchObject({ stepsSent: 0 });

    // Act: two sweeps at once when step 1 is due, then step 2, then more sweeps.
    await sleep(STEP_MS);
    const concurrent = await Promise.all([sweep({}, lambdaContext()), sweep({}, lambdaContext())]);
    await sleep(STEP_MS);
    await sweep({}, lambdaContext());
    await sleep(STEP_MS * 2);
    await sweep({}, lambdaContext());

    // Assess
    expect(concurrent.map((s) => s.stepsSent).reduce((a, b) => a + b)).toBe(1);
    const steps = stepsIn(pipeline);
    expect(steps.map((s) => s.step)).toEqual(['1', '2']);
    expect(steps.every((s) => s.broadcast)).toBe(true);
    expect(steps[0]?.text).toMatch(/^⏰ <!here> .*not acknowledged for 15 min/);
    const [alert] = pipeline.slack.messages(CHANNEL ?? '');
    expect(JSON.stringify(alert?.blocks)).toContain(
      '⏰ escalated to @here after 15 min · ⏰ escalated again to @here after 30 min',
    );
  }, 60_000);

  it('finds a step whose answer was lost, once its lease ran out, instead of posting it again', async () => {
    let proxy: Awaited<ReturnType<typeof losingProxy>> | undefined;
    let offsetMs = 0;
    const clock = {
      now: () => new Date(Date.now() + offsetMs),
      sleep: async (ms: number) => void (await sleep(ms)),
    };
    const pipeline = await pipelines.start({ env: { ESCALATION_TIME_SCALE: TIME_SCALE } });
    proxy = await losingProxy(pipeline.slack.url);
    const sweep = createSweepHandler(
      {
        TABLE_NAME: pipeline.tableName,
        DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: proxy.url,
        SLACK_POST_INTERVAL_MS: '0',
        ESCALATION_TIME_SCALE: TIME_SCALE,
      },
      { log: silent, clock },
    );
    try {
      const critical = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
      await pipeline.handler(sqsBatch([critical]), lambdaContext());
      await sleep(STEP_MS);
      proxy.loseReplies(1);

      await expect(sweep({}, lambdaContext())).rejects.toBeInstanceOf(SweepFailedError);
      // A send without an answer may still be landing: its lease is kept until it runs out (27 s).
      await expect(sweep({}, lambdaContext())).resolves.toMatchObject({ stepsSent: 0, stepsLater: 1 });
      offsetMs += 30_000;
      const retry = await sweep({}, lambdaContext());

      expect(retry.stepsSent).toBe(1);
      expect(stepsIn(pipeline).map((s) => s.step)).toEqual(['1']);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('sends nothing for an alert acknowledged before its step was due', async () => {
    const { pipeline, sweep } = await setup();
    const [alert] = await pipeline.store.escalationSteps.due('9999-01-01T00:00:00.000Z', 10);
    await pipeline.store.alerts.acknowledge(alert?.alertId ?? '', {
      userId: 'U1',
      userName: 'alice',
      at: new Date().toISOString(),
    });

    await sleep(STEP_MS);
    expect(await sweep({}, lambdaContext())).toMatchObject({ stepsSent: 0, stepsStopped: 1 });
    expect(stepsIn(pipeline)).toEqual([]);
  }, 60_000);

  it("says a step for a channel it cannot reach in the alert's thread, once, with why", async () => {
    // Prepare: the channel escalates to a channel the stand-in does not know (deleted, or the app not invited).
    const pipeline = await pipelines.start({ env: { ESCALATION_TIME_SCALE: TIME_SCALE } });
    await pipeline.store.config.putEscalation({
      channel: CHANNEL ?? '',
      policy: { severity: 'critical', afterMs: 15 * 60_000, targets: [{ kind: 'channel', id: 'C0GONE' }] },
      setBy: 'U1',
      setAt: new Date().toISOString(),
    });
    const sweep = createSweepHandler(
      {
        TABLE_NAME: pipeline.tableName,
        DYNAMODB_ENDPOINT: pipeline.dynamodbEndpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL: pipeline.slack.url,
        SLACK_POST_INTERVAL_MS: '0',
        ESCALATION_TIME_SCALE: TIME_SCALE,
      },
      { log: silent },
    );
    const critical = corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    expect((await pipeline.handler(sqsBatch([critical]), lambdaContext()))?.batchItemFailures).toEqual([]);

    // Act
    await sleep(STEP_MS);
    const first = await sweep({}, lambdaContext());
    await sweep({}, lambdaContext());

    // Assess: step 1 is in the alert's thread, broadcast, saying why; nothing failed, nothing was sent twice.
    expect(first.stepsSent).toBe(1);
    const steps = stepsIn(pipeline);
    expect(steps.map((s) => [s.step, s.broadcast])).toEqual([['1', true]]);
    expect(steps[0]?.text).toContain('could not be posted in <#C0GONE> (Slack said `channel_not_found`)');
  }, 60_000);

  it('renders a message whose delayed render never ran (its finisher dead-lettered), once its grace is over', async () => {
    // Prepare: the renders queue loses every delayed render (each one dead-letters without running).
    const pipeline = await pipelines.start({ env: { RENDER_REPAIR_AFTER_SECONDS: '4' } });
    const lost: RenderRequest[] = [];
    const events = createEventsHandler(pipeline.env, {
      log: pipeline.log,
      renderFinisher: { schedule: async (request) => void lost.push(request) },
    });
    const sweep = createSweepHandler(pipeline.env, { log: silent });
    expect(await sweep({}, lambdaContext())).toMatchObject({ rendersRepaired: 0 });
    const base = corpusEvent('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
    const time = (ms: number) => new Date(Date.parse(String(base.time)) + ms).toISOString();
    expect((await events(sqsBatch([variant(base, 1, time(0))]), lambdaContext()))?.batchItemFailures).toEqual(
      [],
    );

    // The second change is rendered at once and opens the alert's render window.
    expect(
      (await events(sqsBatch([variant(base, 2, time(1_000))]), lambdaContext()))?.batchItemFailures,
    ).toEqual([]);

    // Act: a third change joins inside the window: left to the finisher, which is lost.
    expect(
      (await events(sqsBatch([variant(base, 3, time(2_000))]), lambdaContext()))?.batchItemFailures,
    ).toEqual([]);
    const [request] = lost;
    const repairFrom = Date.parse(request?.windowUntil ?? '') + 4_000;
    const early = Date.now() < repairFrom ? await sweep({}, lambdaContext()) : undefined;
    const updatesBefore = pipeline.slack.callsTo('chat.update').length;
    await sleep(Math.max(0, repairFrom - Date.now()) + 200);
    const late = await sweep({}, lambdaContext());
    const again = await sweep({}, lambdaContext());

    // Assess: coalescing holds while the finisher may still come; then the sweep renders the lost revision.
    expect(lost).toHaveLength(1);
    if (early) expect(early.rendersRepaired).toBe(0);
    expect(updatesBefore).toBe(1);
    expect(late.rendersRepaired).toBe(1);
    expect(again.rendersRepaired).toBe(0);
    expect(pipeline.slack.callsTo('chat.update')).toHaveLength(2);
    const alert = await pipeline.store.alerts.get(request?.alertId ?? '');
    expect(alert).toMatchObject({ rev: 3, renderedRev: 3, changeCount: 3 });
    expect(await pipeline.store.renders.due(10, new Date(repairFrom + 60_000).toISOString())).toEqual([]);
  }, 60_000);
});
