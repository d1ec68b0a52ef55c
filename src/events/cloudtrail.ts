import * as z from 'zod';
import { isRecord, type JsonRecord } from '../json';
import { listWords } from '../words';
import { InvalidEventError } from './errors';

/** The two EventBridge detail-types that carry a CloudTrail record InfraWatch can describe. */
export const CLOUDTRAIL_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
] as const;

export type CloudTrailDetailType = (typeof CLOUDTRAIL_DETAIL_TYPES)[number];

// Objects are z.object (not z.looseObject): unknown fields are accepted and left out of the parsed copy, so zod
// never copies the dozens of fields InfraWatch does not read. The original event still goes to watch matching
// and input transformers untouched.

/**
 * Values InfraWatch puts into DynamoDB keys, in UTF-8 bytes. DynamoDB refuses a partition key over 2,048
 * bytes and a sort key over 1,024, so an event with a longer value would fail on every retry instead of being
 * rejected: the change id goes into CHANGE#<id> and into `<time>#<id>` index sort keys, the account and the
 * actor ARN into ACTOR#<account>#<arn> and GROUP#<channel>#<watch>#<account>#<arn>. Real values are far
 * shorter: a UUID, 12 digits, an IAM ARN of at most about 600 characters (a 512-character path).
 */
export const KEY_LIMITS = { id: 256, account: 64, arn: 1024 } as const;

/** CloudTrail's time format (`2026-11-27T10:00:00Z`), fractions and offsets allowed. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * True for an ISO-8601 date-time that denotes a real instant. Times become sort keys, burst windows and
 * expiry dates: `""`, `"not-a-date"` or `"1e12"` can never be stored.
 */
export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && Number.isFinite(Date.parse(value));
}

/** True when `value` takes at most `maxBytes` bytes in UTF-8 (DynamoDB measures keys that way). */
export function fitsBytes(value: string, maxBytes: number): boolean {
  // Every UTF-16 unit takes 1 to 3 bytes (a surrogate pair 4 for its 2 units): most strings need no count.
  if (value.length > maxBytes) return false;
  if (value.length * 3 <= maxBytes) return true;
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 2 : 3;
  }
  return bytes <= maxBytes;
}

const keyText = (maxBytes: number) =>
  z.string().refine((value) => fitsBytes(value, maxBytes), { error: `is longer than ${maxBytes} bytes` });

// CloudTrail writes these fields as strings, but some records carry null or (after third-party normalisation)
// booleans; rejecting a whole event over a field we only display would silently drop an alert.
const optionalText = z.string().nullish();
const flag = z.union([z.boolean(), z.string()]).nullish();

const SessionIssuerSchema = z.object({
  type: optionalText,
  principalId: optionalText,
  arn: optionalText,
  accountId: optionalText,
  userName: optionalText,
});

const SessionContextSchema = z.object({
  attributes: z.object({ mfaAuthenticated: flag, creationDate: optionalText }).nullish(),
  sessionIssuer: SessionIssuerSchema.nullish(),
  webIdFederationData: z.object({ federatedProvider: optionalText }).nullish(),
  sourceIdentity: optionalText,
});

/** CloudTrail `userIdentity`: every field is optional because presence depends on the identity type. */
export const UserIdentitySchema = z.object({
  type: optionalText,
  principalId: optionalText,
  arn: keyText(KEY_LIMITS.arn).nullish(),
  accountId: optionalText,
  accessKeyId: optionalText,
  userName: optionalText,
  invokedBy: optionalText,
  identityProvider: optionalText,
  sessionContext: SessionContextSchema.nullish(),
  onBehalfOf: z.object({ userId: optionalText, identityStoreArn: optionalText }).nullish(),
  credentialId: optionalText,
});

/**
 * The CloudTrail record in `detail`. Only the fields InfraWatch reads are typed; `requestParameters`,
 * `responseElements` and `additionalEventData` differ per API and are read defensively (see src/changes/read.ts),
 * which also keeps validation cheap for large RunInstances or policy events.
 */
export const CloudTrailDetailSchema = z.object({
  eventVersion: optionalText,
  // Absent only in eventVersion 1.0 records (the field arrived with 1.01); see the refinement below.
  eventID: keyText(KEY_LIMITS.id).optional(),
  eventName: z.string(),
  eventSource: z.string(),
  eventTime: z.string().refine(isIsoTime, { error: 'is not an ISO-8601 time such as 2026-11-27T10:00:00Z' }),
  awsRegion: z.string(),
  userIdentity: UserIdentitySchema,
  sourceIPAddress: optionalText,
  userAgent: optionalText,
  errorCode: optionalText,
  errorMessage: optionalText,
  eventType: optionalText,
  readOnly: z.boolean().nullish(),
  managementEvent: z.boolean().nullish(),
  recipientAccountId: optionalText,
  sessionCredentialFromConsole: flag,
  requestParameters: z.unknown().optional(),
  responseElements: z.unknown().optional(),
  additionalEventData: z.unknown().optional(),
});

/**
 * An EventBridge event whose `detail` is a CloudTrail record. `source` must start with `aws.`: EventBridge refuses
 * that prefix in PutEvents, so an event that passes cannot have been forged by a principal with events:PutEvents.
 */
export const CloudTrailEventSchema = z
  .object({
    detail: CloudTrailDetailSchema,
    'detail-type': z.enum(CLOUDTRAIL_DETAIL_TYPES),
    source: z.string().startsWith('aws.', { error: "must start with 'aws.'" }),
    id: keyText(KEY_LIMITS.id),
    account: keyText(KEY_LIMITS.account),
    time: z.string(),
    region: z.string(),
    version: z.string().optional(),
    resources: z.array(z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    if (lacksEventId(event.detail)) ctx.addIssue({ code: 'custom', path: EVENT_ID_PATH, message: 'missing' });
  });

/** A validated EventBridge-delivered CloudTrail event. */
export type CloudTrailEvent = z.infer<typeof CloudTrailEventSchema>;
/** The CloudTrail record of a {@link CloudTrailEvent}. */
export type CloudTrailDetail = CloudTrailEvent['detail'];
/** The `userIdentity` of a CloudTrail record. */
export type UserIdentity = z.infer<typeof UserIdentitySchema>;

const EVENT_ID_PATH = ['detail', 'eventID'];

/**
 * eventID is the idempotency key of the whole pipeline. Records older than eventVersion 1.01 have none (the field
 * arrived with 1.01); only for those does describeChange fall back to the EventBridge envelope id, which stays the
 * same across EventBridge retries of one event.
 */
function lacksEventId(detail: unknown): boolean {
  if (detail === null || typeof detail !== 'object') return false;
  const record = detail as Record<string, unknown>;
  return record.eventID === undefined && record.eventVersion !== '1.0' && record.eventVersion !== '1.00';
}

export { InvalidEventError };

/**
 * Validates an EventBridge event carrying a CloudTrail record (API call or console sign-in).
 * Unknown fields are accepted (and not copied into the result); records of every eventVersion from 1.0 on are accepted.
 * @throws InvalidEventError listing every problem found, in plain words.
 */
export function parseCloudTrailEvent(input: unknown): CloudTrailEvent {
  const result = CloudTrailEventSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = [...result.error.issues];
  // zod skips refinements when the object itself is invalid; report a missing eventID anyway.
  const detail = valueAt(input, ['detail']);
  if (lacksEventId(detail) && !issues.some((issue) => issue.path.join('.') === 'detail.eventID')) {
    issues.unshift({ code: 'custom', path: EVENT_ID_PATH, message: 'missing', input: undefined });
  }
  const problems = describeIssues(issues, input);
  throw new InvalidEventError(`Not a CloudTrail event: ${problems.join('; ')}`, problems);
}

// ---------------------------------------------------------------------------------------------------------
// Fast check. describeChange runs for every event EventBridge delivers, and zod's generic machinery (a result
// object per field, a union attempt per flag, a copy of every object) cost about as much as JSON.parse of the
// event. isCloudTrailEvent accepts exactly what CloudTrailEventSchema accepts, reading each field once with a
// fixed name and copying nothing; zod stays the contract and the source of every error message.
// test/events/cloudtrail.fast-path.test.ts holds the two to the same answers.

/** `optionalText`: a string, null or absent. */
function isText(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

/** `flag`: a boolean, a string, null or absent. */
function isFlag(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean';
}

/** `z.boolean().nullish()`. */
function isOptionalBoolean(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'boolean';
}

/** A `.nullish()` object whose fields all pass `fields`. */
function isOptionalObject(value: unknown, fields: (object: JsonRecord) => boolean): boolean {
  return value === undefined || value === null || (isRecord(value) && fields(value));
}

function isSessionIssuer(issuer: JsonRecord): boolean {
  return (
    isText(issuer.type) &&
    isText(issuer.principalId) &&
    isText(issuer.arn) &&
    isText(issuer.accountId) &&
    isText(issuer.userName)
  );
}

function isSessionContext(context: JsonRecord): boolean {
  return (
    isOptionalObject(
      context.attributes,
      (attributes) => isFlag(attributes.mfaAuthenticated) && isText(attributes.creationDate),
    ) &&
    isOptionalObject(context.sessionIssuer, isSessionIssuer) &&
    isOptionalObject(context.webIdFederationData, (data) => isText(data.federatedProvider)) &&
    isText(context.sourceIdentity)
  );
}

/** `keyText(maxBytes)`: a string that fits a key. */
function isKeyText(value: unknown, maxBytes: number): value is string {
  return typeof value === 'string' && fitsBytes(value, maxBytes);
}

function isUserIdentity(identity: JsonRecord): boolean {
  const arn = identity.arn;
  return (
    isText(identity.type) &&
    isText(identity.principalId) &&
    (arn === undefined || arn === null || isKeyText(arn, KEY_LIMITS.arn)) &&
    isText(identity.accountId) &&
    isText(identity.accessKeyId) &&
    isText(identity.userName) &&
    isText(identity.invokedBy) &&
    isText(identity.identityProvider) &&
    isOptionalObject(identity.sessionContext, isSessionContext) &&
    isOptionalObject(
      identity.onBehalfOf,
      (onBehalfOf) => isText(onBehalfOf.userId) && isText(onBehalfOf.identityStoreArn),
    ) &&
    isText(identity.credentialId)
  );
}

function isDetail(detail: JsonRecord): boolean {
  const eventId = detail.eventID;
  const identity = detail.userIdentity;
  const eventTime = detail.eventTime;
  // requestParameters, responseElements and additionalEventData are z.unknown(): anything goes.
  return (
    isText(detail.eventVersion) &&
    (eventId === undefined || isKeyText(eventId, KEY_LIMITS.id)) &&
    typeof detail.eventName === 'string' &&
    typeof detail.eventSource === 'string' &&
    typeof eventTime === 'string' &&
    isIsoTime(eventTime) &&
    typeof detail.awsRegion === 'string' &&
    isRecord(identity) &&
    isUserIdentity(identity) &&
    isText(detail.sourceIPAddress) &&
    isText(detail.userAgent) &&
    isText(detail.errorCode) &&
    isText(detail.errorMessage) &&
    isText(detail.eventType) &&
    isOptionalBoolean(detail.readOnly) &&
    isOptionalBoolean(detail.managementEvent) &&
    isText(detail.recipientAccountId) &&
    isFlag(detail.sessionCredentialFromConsole) &&
    !lacksEventId(detail)
  );
}

/**
 * True when {@link parseCloudTrailEvent} would accept `input`; narrows it in place, without zod and without a
 * copy. The narrowed object keeps its unknown fields (the parsed copy drops them), so read it by field name only.
 */
export function isCloudTrailEvent(input: unknown): input is CloudTrailEvent {
  if (!isRecord(input)) return false;
  const detail = input.detail;
  const source = input.source;
  const version = input.version;
  const resources = input.resources;
  return (
    isRecord(detail) &&
    isDetail(detail) &&
    DETAIL_TYPES.has(input['detail-type']) &&
    typeof source === 'string' &&
    source.startsWith('aws.') &&
    isKeyText(input.id, KEY_LIMITS.id) &&
    isKeyText(input.account, KEY_LIMITS.account) &&
    typeof input.time === 'string' &&
    typeof input.region === 'string' &&
    (version === undefined || typeof version === 'string') &&
    (resources === undefined || Array.isArray(resources))
  );
}

const DETAIL_TYPES: ReadonlySet<unknown> = new Set(CLOUDTRAIL_DETAIL_TYPES);

const MAX_ISSUES = 8;
const MAX_QUOTED = 80;

function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const missing: string[] = [];
  const others: string[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const actual = valueAt(input, issue.path);
    if (actual === undefined && path !== '') {
      missing.push(path);
    } else if (issue.code === 'custom') {
      others.push(`${path} ${issue.message}${actual === undefined ? '' : ` (got ${describeValue(actual)})`}`);
    } else if (issue.code === 'invalid_type') {
      const subject = path === '' ? 'the event' : path;
      others.push(`${subject} must be ${article(issue.expected)} (got ${describeValue(actual)})`);
    } else if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((v) => `'${String(v)}'`).join(' or ');
      others.push(`${path} must be ${allowed} (got ${describeValue(actual)})`);
    } else if (issue.code === 'invalid_format') {
      others.push(`${path} ${issue.message} (got ${describeValue(actual)})`);
    } else if (issue.code === 'invalid_union') {
      others.push(`${path} must be a boolean or a string (got ${describeValue(actual)})`);
    } else {
      others.push(`${path}: ${issue.message}`);
    }
  }
  const sentences: string[] = [];
  if (missing.length === 1) sentences.push(`${missing[0]} is missing`);
  else if (missing.length > 1) sentences.push(`${listWords(missing)} are missing`);
  sentences.push(...others);
  if (sentences.length > MAX_ISSUES) {
    const rest = sentences.length - MAX_ISSUES;
    return [...sentences.slice(0, MAX_ISSUES), `and ${rest} more problem${rest === 1 ? '' : 's'}`];
  }
  return sentences;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    return `'${shown}'`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
