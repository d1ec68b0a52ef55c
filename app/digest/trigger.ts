import * as z from 'zod';
import type { DigestTrigger } from '../../src/use-cases/digest';
import { AppError } from '../errors';

export type { DigestTrigger };

export class InvalidDigestTriggerError extends AppError {
  readonly code = 'InvalidDigestTrigger';
}

const requestedDetail = z.object({
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/),
  requestedBy: z.string().min(1),
  requestId: z.string().min(1).max(200),
});

/**
 * Reads what invoked the digest function: an EventBridge Scheduler invocation (any payload with
 * `{"kind":"scheduled"}`, or a scheduled EventBridge event) or an "InfraWatch Digest Requested" event.
 */
export function parseDigestTrigger(input: unknown): DigestTrigger {
  const event = input as { kind?: unknown; 'detail-type'?: unknown; detail?: unknown } | null;
  if (event?.kind === 'scheduled' || event?.['detail-type'] === 'Scheduled Event')
    return { kind: 'scheduled' };
  if (event?.['detail-type'] === 'InfraWatch Digest Requested') {
    const detail = requestedDetail.safeParse(event.detail);
    if (detail.success) return { kind: 'requested', ...detail.data };
    throw new InvalidDigestTriggerError(
      `invalid digest request: ${detail.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  }
  throw new InvalidDigestTriggerError(
    'not a digest trigger: expected {"kind":"scheduled"} or an "InfraWatch Digest Requested" event',
  );
}
