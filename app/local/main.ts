/**
 * `npm start`: InfraWatch on this machine, no AWS or Slack account needed (see stack.ts). Opens a local Slack
 * page at http://127.0.0.1:3000/, replays sample CloudTrail events, and prints the channel's messages as they are
 * posted and updated. Any EventBridge event POSTed to http://127.0.0.1:3000/events goes through the same pipeline.
 *
 * Ports: PORT (page, default 3000), SLACK_PORT (Slack Web API stand-in, 3001), SLACK_APP_PORT (the app's Slack
 * endpoint, 3002). Data: INFRAWATCH_DATA (default .infrawatch/data).
 */
import { join } from 'node:path';
import { type LocalStack, PASSED_THROUGH, startLocalStack } from './stack';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

class StartOptionError extends Error {
  readonly code = 'StartOption';
}

function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartOptionError(`${name} must be a TCP port number (0-65535), got '${text}'`);
  }
  return port;
}

/** Prints each message of the channel when it is posted, and again when it is updated. */
function watchChannel(stack: LocalStack): () => void {
  const seen = new Map<string, string>();
  const print = () => {
    for (const message of stack.slack.messages(stack.channel.id)) {
      const version = message.edited?.ts ?? '';
      const before = seen.get(message.ts);
      if (before === version) continue;
      const verb = before === undefined ? 'posted' : 'updated';
      seen.set(message.ts, version);
      console.log(`\n[#${stack.channel.name} ${verb} ${message.ts}] ${message.text}`);
    }
  };
  const timer = setInterval(print, 250);
  return () => {
    clearInterval(timer);
    print();
  };
}

async function main(): Promise<void> {
  const dataDir = process.env.INFRAWATCH_DATA ?? join(process.cwd(), '.infrawatch', 'data');
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const stack = await startLocalStack({
    port: portFromEnv('PORT', 3000),
    slackApiPort: portFromEnv('SLACK_PORT', 3001),
    slackAppPort: portFromEnv('SLACK_APP_PORT', 3002),
    dataDir,
    ...(process.env.WATCHES_DIR ? { watchesDir: process.env.WATCHES_DIR } : {}),
    env,
  });
  const base = stack.url.replace(/\/$/, '');
  console.log(`InfraWatch local stack

  ┌──────────────────────────────────────────────────────────────┐
    Open the local Slack:  ${stack.url}
  └──────────────────────────────────────────────────────────────┘
  Click Acknowledge / Investigate, type /infrawatch help, run the digest; you act as alice, bob or carol.

  DynamoDB (dynalite)    ${stack.dynamodbEndpoint}   data in ${process.env.INFRAWATCH_DATA ?? '.infrawatch/data'}
  Slack Web API stand-in ${stack.slackApiUrl}   channel #${stack.channel.name} (${stack.channel.id})
  InfraWatch Slack app   ${stack.slackAppUrl}   (signed requests only, like Slack's)
  EventBridge stand-in   ${stack.eventBridgeEndpoint}   (/infrawatch digest -> the digest function)
  Events endpoint        POST ${base}/events   (GET ${base}/messages lists the channel)

Replaying ${stack.sampleCount} sample CloudTrail events (Slack's pace: about one post per second)…`);
  const stopWatching = watchChannel(stack);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    stopWatching();
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const result = await stack.replaySamples();
  console.log(
    `\n${stack.slack.messages(stack.channel.id).length} message(s) in #${stack.channel.name}; ${result.failed} event(s) failed.`,
  );
  console.log(`Now open ${stack.url} — or send your own event:
  curl -X POST --data @test/fixtures/cloudtrail/iam.CreateUser.json ${base}/events`);
}

main().catch((error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(
    `infrawatch: the local stack could not start: ${(error as Error).message}${
      inUse ? '\n(another npm start? choose other ports with PORT, SLACK_PORT and SLACK_APP_PORT)' : ''
    }`,
  );
  process.exit(1);
});
