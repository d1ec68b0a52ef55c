/**
 * `npm start`: InfraWatch on this machine, no AWS or Slack account needed. Embedded DynamoDB (dynalite),
 * the local Slack stand-in, and the real events handler; sample CloudTrail events are replayed at start-up
 * and any EventBridge event POSTed to http://127.0.0.1:3000/events goes through the same pipeline.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { createEventsHandler } from '../lambda/events';
import { ensureTable, startDynalite } from './dynamodb';
import { type StandinMessage, startSlackStandin } from './slack-standin';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const BOT_TOKEN = 'xoxb-local-infrawatch';
const CHANNEL = 'C0INFRAWATCH';
const PORT = Number(process.env.PORT ?? 3000);
const SLACK_PORT = Number(process.env.SLACK_PORT ?? 3001);
const SAMPLES = join(__dirname, 'samples');

/** Sample events get fresh ids and current times, as if they had just happened. */
function freshSamples(): object[] {
  return readdirSync(SAMPLES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file, i) => {
      const event = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as {
        id: string;
        time: string;
        detail: Record<string, unknown>;
      };
      const time = new Date(Date.now() - (10 - i) * 90_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      event.id = randomUUID();
      event.time = time;
      event.detail.eventTime = time;
      if (event.detail.eventID !== undefined) event.detail.eventID = randomUUID();
      return event;
    });
}

function sqsOf(events: readonly object[]): SQSEvent {
  return {
    Records: events.map((event) => ({
      messageId: randomUUID(),
      receiptHandle: 'local',
      body: JSON.stringify(event),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:infrawatch-events',
      awsRegion: 'local',
    })),
  };
}

function context() {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'infrawatch-events-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:infrawatch-events-local',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function printMessage(message: StandinMessage, verb: string): void {
  console.log(`\n[#infrawatch ${verb} ${message.ts}] ${message.text}`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const dynamodb = await startDynalite({
    path: process.env.INFRAWATCH_DATA ?? join(process.cwd(), '.infrawatch', 'data'),
  });
  const client = dynamodb.client();
  await ensureTable(client, 'infrawatch');
  const slack = await startSlackStandin({
    botToken: BOT_TOKEN,
    port: SLACK_PORT,
    channels: [{ id: CHANNEL, name: 'infrawatch' }],
  });
  const handler = createEventsHandler({
    TABLE_NAME: 'infrawatch',
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    DEFAULT_CHANNEL: CHANNEL,
    ...(process.env.WATCHES_DIR
      ? { WATCHES_DIR: process.env.WATCHES_DIR }
      : { WATCHES_DIR: join(process.cwd(), 'watches') }),
  });

  let seen = 0;
  const showNew = () => {
    const messages = slack.messages(CHANNEL);
    for (const message of messages.slice(seen)) printMessage(message, 'posted');
    seen = messages.length;
  };

  const server = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/events') {
      const body = await readBody(req);
      try {
        const event = JSON.parse(body) as object;
        const result = await handler(sqsOf([event]), context());
        showNew();
        res.writeHead(result?.batchItemFailures.length ? 503 : 202, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result ?? {}));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`${(error as Error).message}\n`);
      }
      return;
    }
    if (req.method === 'GET' && req.url === '/messages') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(slack.messages(CHANNEL), null, 2));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('POST /events (an EventBridge event) or GET /messages\n');
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));

  console.log(`InfraWatch local stack
  DynamoDB (dynalite)   ${dynamodb.endpoint}   data in ${process.env.INFRAWATCH_DATA ?? '.infrawatch/data'}
  Slack stand-in        ${slack.url}   channel #infrawatch (${CHANNEL})
  Events endpoint       POST http://127.0.0.1:${PORT}/events   (GET /messages lists the channel)

Replaying ${readdirSync(SAMPLES).length} sample CloudTrail events…`);
  const result = await handler(sqsOf(freshSamples()), context());
  showNew();
  console.log(
    `\n${slack.messages(CHANNEL).length} alert message(s) in #infrawatch; ${result?.batchItemFailures.length ?? 0} event(s) failed.`,
  );
  console.log(
    'Send your own: curl -X POST --data @test/fixtures/cloudtrail/iam.CreateUser.json http://127.0.0.1:3000/events',
  );

  const stop = async () => {
    server.close();
    client.destroy();
    await slack.close();
    await dynamodb.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`infrawatch: the local stack could not start: ${(error as Error).message}`);
  process.exit(1);
});
