import * as z from 'zod';
import type { RenderRequest } from '../../src/use-cases/coalesce-renders';

/**
 * The body of a delayed render request on the renders queue (see src/use-cases/coalesce-renders.ts). It
 * shares the events function with CloudTrail events, so it names itself: no EventBridge event has this shape.
 */
const renderRequestBody = z
  .object({
    infrawatch: z.literal('render'),
    alertId: z.string().min(1).max(512),
    rev: z.number().int().min(1),
    windowUntil: z.iso.datetime(),
    streak: z.number().int().min(0).max(1000),
  })
  .strict();

export function renderRequestMessage(request: RenderRequest): string {
  return JSON.stringify({ infrawatch: 'render', ...request });
}

/** The render request a message body holds, or undefined when it is something else (a CloudTrail event). */
export function readRenderRequest(body: string): RenderRequest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if ((json as { infrawatch?: unknown } | null)?.infrawatch !== 'render') return undefined;
  const parsed = renderRequestBody.safeParse(json);
  if (!parsed.success)
    throw new InvalidRenderRequestError(parsed.error.issues.map((i) => i.message).join('; '));
  const { alertId, rev, windowUntil, streak } = parsed.data;
  return { alertId, rev, windowUntil, streak };
}

/** A message that says it is a render request but is not a valid one. */
export class InvalidRenderRequestError extends Error {
  readonly code = 'InvalidRenderRequest';
  constructor(reason: string) {
    super(`invalid render request: ${reason}`);
    this.name = new.target.name;
  }
}

/** SQS DelaySeconds: whole seconds, at most 15 minutes; rounded up so the window has closed on arrival. */
export function delaySecondsOf(delayMs: number): number {
  return Math.min(900, Math.max(0, Math.ceil(delayMs / 1000)));
}
