/**
 * DynamoDB faults: the table's endpoint refuses connections, and separately black-holes them (accepts, never
 * answers), switched by a TCP proxy in front of the engine — in the middle of a batch, and right after a
 * successful Slack post (before the write that records it). The events function must answer with batch item
 * failures (never hang past its clients' timeouts, never throw), and SQS's redeliveries must finish every
 * change without a second post.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { AWS_CALL_BUDGET_MS, awsClientConfig } from '../../app/aws/clients';
import { createEventsHandler, type EventsHandler } from '../../app/lambda/events';
import type { FaultPlan } from '../../app/local/slack';
import { usePipeline } from '../helpers/pipeline';
import { DYNAMODB_ENGINES } from '../helpers/stores';
import { auditDeliveries } from './audit';
import {
  deliverUntilDone,
  EVENTS_INVOCATION_BUDGET_MS,
  randomFor,
  reportFigures,
  retryCauses,
} from './harness';
import { type ProxyMode, startTcpProxy, type TcpProxy } from './tcp-proxy';
import { expectedChannels, fixtureEvents } from './workload';

/**
 * Every other invocation, `mode` starts `afterMs` into it; each invocation ends with the proxy passing again
 * (the outage is over by the time SQS redelivers).
 */
function withOutages(
  handler: EventsHandler,
  proxy: TcpProxy,
  mode: ProxyMode,
  afterMs: number,
): EventsHandler {
  let invocation = 0;
  return async (event: unknown, context: Context) => {
    invocation += 1;
    const timer = invocation % 2 === 1 ? setTimeout(() => void proxy.set(mode), afterMs) : undefined;
    try {
      return await handler(event as SQSEvent, context);
    } finally {
      clearTimeout(timer);
      await proxy.set('pass');
    }
  };
}

describe.each(DYNAMODB_ENGINES)('DynamoDB faults on %s', (engine) => {
  let armAfterPost: ProxyMode | undefined;
  // Observes posts: the stand-in has carried out the post when the next DynamoDB write goes to the proxy.
  const afterPost: FaultPlan = ({ method }) => {
    if (method === 'chat.postMessage' && armAfterPost && proxy) {
      const mode = armAfterPost;
      armAfterPost = undefined;
      setImmediate(() => void proxy?.set(mode));
    }
    return undefined;
  };
  let proxy: TcpProxy | undefined;
  const pipelines = usePipeline(engine);
  afterEach(async () => {
    await proxy?.close();
  });

  it.each([
    ['refuses', 'refuse'],
    ['black-holes', 'black-hole'],
  ] as const)(
    'finishes every change once when the endpoint %s connections mid-batch and right after a post',
    async (_, mode) => {
      // Prepare: the events function with the deployed client settings (1 s to connect, 2 s per attempt, 3
      // attempts), through the proxy; 24 changes.
      const random = randomFor(`dynamodb-faults/${engine}/${mode}`);
      armAfterPost = undefined;
      const pipeline = await pipelines.start({ slack: { faults: afterPost } });
      const tcp = await startTcpProxy(pipeline.dynamodbEndpoint);
      proxy = tcp;
      const client = new DynamoDBClient({
        ...awsClientConfig(),
        endpoint: tcp.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const handler = createEventsHandler(pipeline.env, { log: pipeline.log, dynamodb: client });
      const events = fixtureEvents(random, 24);

      // Act 1: the outage starts 40 ms into every other batch.
      const midBatch = await deliverUntilDone({
        handlers: [withOutages(handler, tcp, mode, 40)],
        bodies: events.slice(0, 12),
        batchSize: 4,
        concurrency: 1,
      });
      // Act 2: the outage starts right after Slack posted (the post's record is not written yet).
      let armed = 0;
      const afterPosts = await deliverUntilDone({
        handlers: [withOutages(handler, tcp, 'pass', 0)],
        bodies: events.slice(12),
        batchSize: 4,
        concurrency: 1,
        beforeInvocation: (invocation) => {
          if (invocation % 2 === 1) {
            armAfterPost = mode;
            armed += 1;
          }
        },
      });
      client.destroy();

      // Assess
      const audit = await auditDeliveries(pipeline.store, pipeline.slack, expectedChannels(events, {}));
      const problems = [...audit.problems];
      const slowest = Math.max(midBatch.slowestInvocationMs, afterPosts.slowestInvocationMs);
      if (slowest > EVENTS_INVOCATION_BUDGET_MS) problems.push(`an invocation took ${slowest} ms`);
      const thrown = midBatch.thrown + afterPosts.thrown;
      if (thrown > 0) problems.push(`${thrown} invocations threw instead of reporting batch item failures`);
      const outages = midBatch.retries + afterPosts.retries;
      if (outages === 0) problems.push('no record failed: the outages did not reach the handler');
      reportFigures(
        `DynamoDB ${mode} (${engine})`,
        {
          events: events.length,
          invocations: midBatch.invocations + afterPosts.invocations,
          deliveries: midBatch.deliveries + afterPosts.deliveries,
          retries: outages,
          maxReceives: Math.max(midBatch.maxReceives, afterPosts.maxReceives),
          thrown,
          outagesAfterPost: armed,
          refusals: tcp.counts.refusals,
          blackHoled: tcp.counts.blackHoled,
          slowestInvocationMs: slowest,
          awsCallBudgetMs: AWS_CALL_BUDGET_MS,
          ...retryCauses(pipeline.logs),
          posts: audit.posts,
          lost: audit.lost + midBatch.undelivered + afterPosts.undelivered,
          duplicates: audit.duplicates,
        },
        problems,
      );
    },
    300_000,
  );
});
