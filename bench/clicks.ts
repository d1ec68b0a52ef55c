/**
 * What the Acknowledge bench needs around one click: its cost (DynamoDB requests, sequential steps before
 * the message is updated, Slack calls, time), and the concurrent-clicks baseline, a Bolt app whose only
 * listener acks.
 */
import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { lambdaContext } from '../app/local/lambda-invocation';
import { blockAction, functionUrlEvent, sign } from '../app/local/slack-requests';
import { preciseNow, type RequestSummary, summarize } from './counting';
import { actorOf, CHANNEL, callsByMethod, chunk, type Invocation, type Rig, SECRET, TOKEN } from './harness';

export interface ClickCost {
  dynamodb: RequestSummary;
  /** Sequential DynamoDB steps that ended before the click's first chat.update (what delays the message). */
  sequentialBeforeUpdate: number;
  slack: Record<string, number>;
  slackCalls: number;
  /** The whole invocation, until the handler answers (Slack's 3-second budget). */
  ms: number;
  /**
   * Until the click's chat.update reached Slack: when the clicker sees the message acknowledged (the whole
   * invocation when it made no update).
   */
  msToUpdate: number;
}

export function costOf(rig: Rig, click: Invocation): ClickCost {
  const requests = rig.recorder.of(click.scope);
  const slackCalls = rig.slackCallsDuring(click);
  const update = slackCalls.find((call) => call.method === 'chat.update');
  const beforeUpdate = update ? requests.filter((r) => r.end <= update.at) : requests;
  return {
    dynamodb: summarize(requests),
    sequentialBeforeUpdate: summarize(beforeUpdate).sequential,
    slack: callsByMethod(slackCalls),
    slackCalls: slackCalls.length,
    ms: click.end - click.start,
    msToUpdate: (update?.at ?? click.end) - click.start,
  };
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/**
 * The receiver's and Bolt's own cost: a signed block action through an AwsLambdaReceiver whose app only
 * acks. Returns a sender of the `i`-th user's click.
 */
export function noopClicks(rig: Rig): (i: number) => Promise<void> {
  const receiver = new AwsLambdaReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: TOKEN, botId: 'B0BENCH', botUserId: 'U0BOT' }),
    clientOptions: { slackApiUrl: rig.slack.url },
    logLevel: LogLevel.ERROR,
  });
  app.action('infrawatch_noop', async ({ ack }) => {
    await ack();
  });
  const handler = receiver.toHandler() as Handler;
  return async (i) => {
    const body = blockAction({ action_id: 'infrawatch_noop', value: 'x' }, actorOf(rig, i), CHANNEL);
    const event = functionUrlEvent({ body, headers: sign(body, { secret: SECRET }) }, { base64: true });
    await handler(event, lambdaContext('infrawatch-noop'));
  };
}

/** Latencies (ms, sorted) of `send(i)` for i < count, `concurrency` at a time. */
export async function concurrently(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = [];
  for (const group of chunk(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
  )) {
    await Promise.all(
      group.map(async (i) => {
        const start = preciseNow();
        await send(i);
        latencies.push(preciseNow() - start);
      }),
    );
  }
  return latencies.sort((a, b) => a - b);
}
