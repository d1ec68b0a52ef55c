import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Runtime } from '../runtime';
import { createSlackApp } from '../slack/app';
import type { SlackAppDeps } from '../slack/deps';
import { createSlackRequestVerifier, type SlackRequestVerifier } from '../slack/verify-request';
import { BodyTooLargeError, readBody } from './http';

export interface HttpSlackApp {
  /** Where Slack (or the stand-in's page) sends commands and interactions. */
  readonly url: string;
  stop(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : value,
    ]),
  );
}

/**
 * The same gate as on Lambda (verify-request.ts) in front of Bolt's HTTPReceiver: the body is read once and
 * verified, then handed to Bolt as `rawBody` (which Bolt uses instead of reading the stream again).
 */
async function verifiedDispatch(
  verify: SlackRequestVerifier,
  receiver: HTTPReceiver,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let rawBody: Buffer;
  try {
    rawBody = await readBody(req);
  } catch (error) {
    res.writeHead(error instanceof BodyTooLargeError ? 413 : 400).end();
    return;
  }
  const refusal = verify(rawBody.toString('utf8'), flatHeaders(req));
  if (refusal !== undefined) {
    res.writeHead(refusal.status).end();
    return;
  }
  Object.assign(req, { rawBody });
  try {
    receiver.requestListener(req, res);
  } catch {
    // Bolt throws for paths it does not serve.
    res.writeHead(404).end();
  }
}

/**
 * The Bolt app over plain HTTP (Bolt's HTTPReceiver): the local stack's Slack endpoint, verified exactly as on
 * Lambda. Listens on loopback only.
 */
export async function startHttpSlackApp(
  runtime: Runtime,
  options: { port?: number; deps?: SlackAppDeps } = {},
): Promise<HttpSlackApp> {
  const signingSecret = runtime.secrets.signingSecret;
  if (!signingSecret) throw new Error('The local Slack app needs a signing secret');
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: '/slack/events',
    // Answer Slack only once the listener is done, as AwsLambdaReceiver does when deployed: the local stack then
    // has the same 3-second budget, and a test sees every effect of a request when its response arrives.
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
  });
  const { teamId } = await createSlackApp(runtime, { receiver }, ...(options.deps ? [options.deps] : []));
  const verify = createSlackRequestVerifier({ signingSecret, teamId });
  const server = createServer((req, res) => {
    verifiedDispatch(verify, receiver, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
