import { createHash } from 'node:crypto';
import { EngineError } from './errors';

/**
 * CloudTrail's event history (`LookupEvents`) returns each record as the JSON text of the CloudTrail record
 * (`CloudTrailEvent`); EventBridge delivers the same record as the `detail` of an event whose envelope it
 * derives from the record. Reconciliation matches history records with the watch catalog and describes them
 * exactly as if EventBridge had delivered them, so the envelope is rebuilt here the way EventBridge builds it:
 * `source` is `aws.` + the service part of `eventSource`, `detail-type` follows `eventType`, `account` is the
 * account the record was delivered to, `time` the call's time, `region` the call's region.
 */

/** EventBridge's detail-type for each CloudTrail `eventType` it forwards. */
const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
};

/** An EventBridge event rebuilt from a CloudTrail history record. */
export interface RebuiltEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export class InvalidHistoryRecordError extends EngineError {
  readonly code = 'InvalidHistoryRecord';
  constructor(message: string) {
    super(message);
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The event EventBridge would have delivered for one history record read from `target`.
 * @throws InvalidHistoryRecordError when the record is not JSON or lacks what EventBridge's envelope needs.
 */
export function eventOfHistoryRecord(
  cloudTrailEvent: string,
  target: { account: string; region: string },
): RebuiltEvent {
  let record: unknown;
  try {
    record = JSON.parse(cloudTrailEvent);
  } catch (error) {
    throw new InvalidHistoryRecordError(`CloudTrailEvent is not JSON: ${(error as Error).message}`);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    throw new InvalidHistoryRecordError('CloudTrailEvent is not a JSON object');
  const detail = record as Record<string, unknown>;
  const eventSource = text(detail.eventSource);
  const eventTime = text(detail.eventTime);
  const eventId = text(detail.eventID);
  if (eventSource === undefined || eventTime === undefined || eventId === undefined)
    throw new InvalidHistoryRecordError('CloudTrailEvent has no eventSource, eventTime or eventID');
  const eventType = text(detail.eventType) ?? 'AwsApiCall';
  return {
    version: '0',
    // EventBridge's id is its own; a stable one derived from the eventID keeps a rebuilt event the same on
    // every run (the change id is the record's eventID either way).
    id: uuidFrom(eventId),
    'detail-type': DETAIL_TYPES[eventType] ?? `${eventType} via CloudTrail`,
    source: `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`,
    account: text(detail.recipientAccountId) ?? target.account,
    time: eventTime.replace(/\.\d+Z$/, 'Z'),
    region: text(detail.awsRegion) ?? target.region,
    resources: [],
    detail,
  };
}

function uuidFrom(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
