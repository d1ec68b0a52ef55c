import type { AddressInfo, Server } from 'node:net';
import { HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Runtime } from '../runtime';
import { createSlackApp } from '../slack/app';
import type { SlackAppDeps } from '../slack/deps';

export interface HttpSlackApp {
  /** Where Slack (or the stand-in's page) sends commands and interactions. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The Bolt app over plain HTTP (Bolt's HTTPReceiver): the local stack's Slack endpoint, signature-verified
 * exactly as on Lambda. Listens on loopback only.
 */
export async function startHttpSlackApp(
  runtime: Runtime,
  options: { port?: number; deps?: SlackAppDeps } = {},
): Promise<HttpSlackApp> {
  if (!runtime.secrets.signingSecret) throw new Error('The local Slack app needs a signing secret');
  const receiver = new HTTPReceiver({
    signingSecret: runtime.secrets.signingSecret,
    endpoints: '/slack/events',
    // Answer Slack only once the listener is done, as AwsLambdaReceiver does when deployed: the local stack then
    // has the same 3-second budget, and a test sees every effect of a request when its response arrives.
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
  });
  const app = await createSlackApp(runtime, { receiver }, ...(options.deps ? [options.deps] : []));
  const server = (await receiver.start({ port: options.port ?? 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: async () => {
      await app.stop();
    },
  };
}
