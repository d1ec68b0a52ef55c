/**
 * The two HTTP chores every local server shares (the page, the Slack stand-in and app endpoint, the
 * EventBridge and CloudTrail stand-ins, Socket Mode's relay): reading a request body with a size limit, and
 * answering in the AWS JSON protocol.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** 1 MB: Slack's payloads and CloudTrail events are a few kB; the stand-ins need no more. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  readonly code = 'BodyTooLarge';
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${Math.round(limitBytes / 1024)} KB.`);
    this.name = new.target.name;
  }
}

/** The request's body, refused with a BodyTooLargeError past `limitBytes` (read no further). */
export async function readBody(
  req: IncomingMessage,
  limitBytes: number = DEFAULT_BODY_LIMIT_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text (see readBody). */
export async function readText(req: IncomingMessage, limitBytes?: number): Promise<string> {
  return (await readBody(req, limitBytes)).toString('utf8');
}

/** An answer as the AWS SDK expects from a JSON-protocol service (EventBridge, CloudTrail). */
export function sendAwsJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}
