import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readText, sendAwsJson } from './http';

/*
 * A local stand-in for CloudTrail's event history (LookupEvents, the only CloudTrail call InfraWatch makes),
 * for the local stack and the tests: the real `@aws-sdk/client-cloudtrail` talks to it over HTTP in CloudTrail's
 * JSON 1.1 protocol. It holds the CloudTrail records it is given, answers LookupEvents with CloudTrail's
 * semantics (one lookup attribute, event times in [StartTime, EndTime), newest first, pages of MaxResults with
 * an opaque NextToken) and refuses more than 2 requests per second per region, as CloudTrail does.
 */

/**
 * The `X-Amz-Target` of LookupEvents: the SDK sends the service's short name; CloudTrail also accepts its
 * fully qualified one (what older SDKs send).
 */
export const LOOKUP_EVENTS_TARGETS: readonly string[] = [
  'CloudTrail_20131101.LookupEvents',
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
];

/** CloudTrail's quota of LookupEvents requests per second, per account and region. */
const REQUESTS_PER_SECOND = 2;
const MAX_RESULTS = 50;

/** One record of the history, as LookupEvents returns it (times in epoch seconds on the wire). */
export interface HistoryEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
}

export interface LookupRequest {
  LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
  StartTime?: number;
  EndTime?: number;
  MaxResults?: number;
  NextToken?: string;
}

export class LookupRequestError extends Error {
  readonly code = 'LookupRequest';
  constructor(
    readonly type:
      | 'InvalidLookupAttributesException'
      | 'InvalidNextTokenException'
      | 'InvalidTimeRangeException',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const ATTRIBUTE_FIELDS: Readonly<Record<string, (event: HistoryEvent) => string | undefined>> = {
  EventId: (e) => e.EventId,
  EventName: (e) => e.EventName,
  ReadOnly: (e) => e.ReadOnly,
  Username: (e) => e.Username,
  EventSource: (e) => e.EventSource,
  AccessKeyId: (e) => e.AccessKeyId,
};

/** The history record of a CloudTrail record (an EventBridge event's `detail`). */
export function historyEventOf(detail: Record<string, unknown>): HistoryEvent {
  const identity = (detail.userIdentity ?? {}) as Record<string, unknown>;
  const readOnly = detail.readOnly === true || detail.readOnly === 'true';
  const username =
    typeof identity.userName === 'string'
      ? identity.userName
      : typeof identity.arn === 'string'
        ? identity.arn.split('/').pop()
        : undefined;
  return {
    EventId: String(detail.eventID),
    EventName: String(detail.eventName),
    ReadOnly: String(readOnly),
    ...(typeof identity.accessKeyId === 'string' ? { AccessKeyId: identity.accessKeyId } : {}),
    EventTime: Date.parse(String(detail.eventTime)) / 1000,
    EventSource: String(detail.eventSource),
    ...(username === undefined ? {} : { Username: username }),
    Resources: [],
    CloudTrailEvent: JSON.stringify(detail),
  };
}

/** One region's event history, with LookupEvents' filtering and paging. */
export class EventHistory {
  private readonly events: HistoryEvent[] = [];

  /** Adds a CloudTrail record (an EventBridge event's `detail`) to the history. */
  add(detail: Record<string, unknown>): void {
    this.events.push(historyEventOf(detail));
  }

  get size(): number {
    return this.events.length;
  }

  /**
   * LookupEvents, of one account's records when `account` is given (the history of every account otherwise).
   * @throws LookupRequestError as CloudTrail refuses a request.
   */
  lookup(request: LookupRequest, account?: string): { Events: HistoryEvent[]; NextToken?: string } {
    const attributes = request.LookupAttributes ?? [];
    if (attributes.length > 1)
      throw new LookupRequestError(
        'InvalidLookupAttributesException',
        'You cannot use more than one lookup attribute',
      );
    const [attribute] = attributes;
    const field =
      attribute?.AttributeKey === undefined ? undefined : ATTRIBUTE_FIELDS[attribute.AttributeKey];
    if (attribute && !field)
      throw new LookupRequestError(
        'InvalidLookupAttributesException',
        `Unknown AttributeKey ${attribute.AttributeKey}`,
      );
    const start = request.StartTime ?? Number.NEGATIVE_INFINITY;
    const end = request.EndTime ?? Number.POSITIVE_INFINITY;
    if (start > end) throw new LookupRequestError('InvalidTimeRangeException', 'StartTime is after EndTime');
    const max = Math.min(Math.max(request.MaxResults ?? MAX_RESULTS, 1), MAX_RESULTS);
    const query = JSON.stringify([attribute ?? null, request.StartTime ?? null, request.EndTime ?? null]);
    let offset = 0;
    if (request.NextToken !== undefined) {
      const token = decodeToken(request.NextToken);
      if (token?.query !== query)
        throw new LookupRequestError('InvalidNextTokenException', 'Invalid NextToken for these parameters');
      offset = token.offset;
    }
    const matching = this.events
      .filter((e) => e.EventTime >= start && e.EventTime < end)
      .filter((e) => !attribute || field?.(e) === attribute.AttributeValue)
      .filter((e) => account === undefined || recipientOf(e) === account)
      .sort((a, b) => b.EventTime - a.EventTime || a.EventId.localeCompare(b.EventId));
    const page = matching.slice(offset, offset + max);
    const next = offset + max < matching.length ? encodeToken({ query, offset: offset + max }) : undefined;
    return { Events: structuredClone(page), ...(next === undefined ? {} : { NextToken: next }) };
  }
}

function recipientOf(event: HistoryEvent): string | undefined {
  const detail = JSON.parse(event.CloudTrailEvent) as { recipientAccountId?: unknown };
  return typeof detail.recipientAccountId === 'string' ? detail.recipientAccountId : undefined;
}

function encodeToken(token: { query: string; offset: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string): { query: string; offset: number } | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as {
      query?: unknown;
      offset?: unknown;
    };
    return typeof token.query === 'string' && typeof token.offset === 'number'
      ? { query: token.query, offset: token.offset }
      : undefined;
  } catch {
    return undefined;
  }
}

export interface CloudTrailStandin {
  /** Give it to the SDK as `endpoint` (or `AWS_ENDPOINT_URL_CLOUDTRAIL`). */
  readonly endpoint: string;
  /** The history of one region (requests name their region in the SigV4 credential scope). */
  history(region: string): EventHistory;
  /** Every LookupEvents request, in order, with its region and whether it was throttled. */
  readonly requests: { region: string; request: LookupRequest; throttled: boolean }[];
  close(): Promise<void>;
}

/** The region of a SigV4-signed request: `Credential=<key>/<date>/<region>/cloudtrail/aws4_request`. */
function regionOf(req: IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/cloudtrail\//.exec(req.headers.authorization ?? '')?.[1];
}

/** The access key of a SigV4-signed request (`Credential=<key>/…`). */
function accessKeyOf(req: IncomingMessage): string {
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

/**
 * The account an access key stands for, when it says so: real keys name no account, so the stand-in takes a key
 * of the form `ASIA<12-digit account>` (what the tests' STS stand-in hands out) as that account's credentials
 * and shows it that account's records only, like CloudTrail's per-account history. Any other key sees all.
 */
function accountOfKey(accessKey: string): string | undefined {
  return /^ASIA(\d{12})$/.exec(accessKey)?.[1];
}

/** Starts the stand-in on 127.0.0.1 (`port` 0: any free port). */
export async function startCloudTrailStandin(options: { port?: number } = {}): Promise<CloudTrailStandin> {
  const histories = new Map<string, EventHistory>();
  const history = (region: string) => {
    const found = histories.get(region) ?? new EventHistory();
    histories.set(region, found);
    return found;
  };
  const requests: CloudTrailStandin['requests'] = [];
  const recent = new Map<string, number[]>();

  const server: Server = createServer(async (req, res) => {
    const body = await readText(req);
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string' || !LOOKUP_EVENTS_TARGETS.includes(target)) {
      sendAwsJson(res, 400, {
        __type: 'UnknownOperationException',
        message: `${String(target)} is not supported here`,
      });
      return;
    }
    const region = regionOf(req);
    if (region === undefined) {
      sendAwsJson(res, 403, {
        __type: 'MissingAuthenticationTokenException',
        message: 'Request is not signed',
      });
      return;
    }
    let request: LookupRequest;
    try {
      request = JSON.parse(body || '{}') as LookupRequest;
    } catch {
      sendAwsJson(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
      return;
    }
    const now = Date.now();
    // The quota is per account and region; the credentials (an access key per account) stand for the account.
    const quotaKey = `${accessKeyOf(req)}/${region}`;
    const window = (recent.get(quotaKey) ?? []).filter((at) => at > now - 1000);
    const throttled = window.length >= REQUESTS_PER_SECOND;
    requests.push({ region, request, throttled });
    if (throttled) {
      recent.set(quotaKey, window);
      sendAwsJson(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      return;
    }
    recent.set(quotaKey, [...window, now]);
    try {
      sendAwsJson(res, 200, history(region).lookup(request, accountOfKey(accessKeyOf(req))));
    } catch (error) {
      if (!(error instanceof LookupRequestError)) throw error;
      sendAwsJson(res, 400, { __type: error.type, message: error.message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    history,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
