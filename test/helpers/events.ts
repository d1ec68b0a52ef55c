import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqsEventOf } from '../../app/local/lambda-invocation';

const CLOUDTRAIL_DIR = join(__dirname, '..', 'fixtures', 'cloudtrail');

export type EventBridgeEvent = Record<string, unknown> & {
  id: string;
  time: string;
  detail: Record<string, unknown>;
};

/** Every CloudTrail fixture (file name -> EventBridge event), fresh copies. */
export function corpusEvents(): Map<string, EventBridgeEvent> {
  const events = new Map<string, EventBridgeEvent>();
  for (const file of readdirSync(CLOUDTRAIL_DIR).sort()) {
    if (!file.endsWith('.json') || file === 'index.json') continue;
    events.set(file, JSON.parse(readFileSync(join(CLOUDTRAIL_DIR, file), 'utf8')) as EventBridgeEvent);
  }
  return events;
}

/**
 * The corpus with one eventID per file. Some public fixtures reuse placeholder ids ("1", "1111"); CloudTrail's
 * are unique, and InfraWatch rightly treats equal ids as one change.
 */
export function uniqueCorpusEvents(): Map<string, EventBridgeEvent> {
  const events = corpusEvents();
  for (const [file, event] of events) {
    const hash = createHash('sha256').update(file).digest('hex');
    const eventId = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
    event.id = eventId;
    if (event.detail.eventID !== undefined) event.detail.eventID = eventId;
  }
  return events;
}

export function corpusEvent(file: string): EventBridgeEvent {
  const event = corpusEvents().get(file);
  if (!event) throw new Error(`no fixture ${file}`);
  return event;
}

/** A copy of `event` as a different CloudTrail call: new eventID, optionally another time. */
export function variant(event: EventBridgeEvent, index: number, time?: string): EventBridgeEvent {
  const copy = structuredClone(event);
  const eventId = `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000`;
  copy.id = `eb-${eventId}`;
  copy.detail.eventID = eventId;
  if (time) {
    copy.time = time;
    copy.detail.eventTime = time;
  }
  return copy;
}

/** An SQS batch as Lambda delivers it: one record per body (objects are JSON-encoded). */
export const sqsBatch = (bodies: readonly (object | string)[]) => sqsEventOf(bodies);

export { lambdaContext } from '../../app/local/lambda-invocation';
