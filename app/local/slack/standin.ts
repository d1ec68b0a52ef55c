/**
 * A local stand-in for the Slack Web API: a small HTTP server implementing exactly the methods InfraWatch calls
 * (auth.test, chat.*, conversations.history/replies/open, users.lookupByEmail, views.open), so tests and `npm start` run the real
 * `@slack/web-api` WebClient and the real Bolt app without a Slack workspace. Point a WebClient at
 * {@link SlackStandin.url} through `slackApiUrl`.
 *
 * It answers like Slack: HTTP 200 with `{ ok: false, error }` for API errors (`unknown_method` for anything
 * else), HTTP 429 with `Retry-After` when a channel is posted to too fast, Block Kit validated with Slack's
 * limits, and trigger_ids that expire after 3 seconds. Time comes from an injectable clock.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readText } from '../http';
import { type Args, type Body, type MethodHandler, RateLimitedError, SlackMethodError } from './args';
import { authMethods } from './auth';
import { chatMethods } from './chat';
import { conversationsMethods } from './conversations';
import { openMessageJournal } from './message-journal';
import { type ChannelRateLimit, ChannelRateLimiter } from './rate-limit';
import { type StandinChannel, StandinState } from './state';
import type {
  FaultPlan,
  InjectedFailure,
  OpenedView,
  RecordedCall,
  StandinEphemeral,
  StandinIdentity,
  StandinMessage,
} from './types';
import { usersMethods } from './users';
import { viewsMethods } from './views';

/** Options of {@link startSlackStandin}. */
export interface SlackStandinOptions {
  /** The only bot token accepted; any other answers `invalid_auth`. */
  readonly botToken: string;
  /** TCP port; 0 (default) picks a free one. Listens on 127.0.0.1. */
  readonly port?: number;
  readonly teamId?: string;
  /** Workspace members: chat.postEphemeral to anyone else answers `user_not_in_channel`. */
  readonly users?: readonly { readonly id: string; readonly name: string; readonly email?: string }[];
  /**
   * Known channels. When given, any other channel answers `channel_not_found`; when absent, channels are
   * created on first use (an ID like `C123` keeps its ID, a name gets a new one).
   */
  readonly channels?: readonly StandinChannel[];
  /** chat.postMessage limit per channel; default 1/s with a burst of 3. `false` turns it off. */
  readonly rateLimit?: ChannelRateLimit | false;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * A file that keeps channel messages across restarts (see message-journal.ts), as Slack does; without it,
   * messages live in memory. Ephemerals, modals and trigger_ids are never kept: Slack's are short-lived too.
   */
  readonly messagesFile?: string;
  /** Consulted on every call `failNext` has not claimed: a failure to answer with, or undefined. */
  readonly faults?: FaultPlan;
}

/** The running stand-in. */
export interface SlackStandin {
  /** Base URL ending in `/api/`, for WebClient's `slackApiUrl`. */
  readonly url: string;
  readonly identity: StandinIdentity;
  /** Every request answered since start or {@link reset}, oldest first. */
  readonly calls: readonly RecordedCall[];
  /** Recorded calls of one method. */
  callsTo(method: string): readonly RecordedCall[];
  /** Messages of a channel (ID or name), thread replies included, oldest first. Unknown channel: []. */
  messages(channel: string): readonly StandinMessage[];
  /** One message by channel and ts, or undefined. */
  message(channel: string, ts: string): StandinMessage | undefined;
  /** Replies in the thread of `threadTs`, oldest first (the parent excluded). */
  replies(channel: string, threadTs: string): readonly StandinMessage[];
  /** Ephemeral messages, optionally only those of a channel and/or recipient. */
  ephemerals(filter?: { readonly channel?: string; readonly user?: string }): readonly StandinEphemeral[];
  /** Every modal opened, in order. */
  views(): readonly OpenedView[];
  /** Mints a trigger_id as an interaction would, valid for 3 s of the clock and usable once. */
  issueTriggerId(options?: { readonly userId?: string }): string;
  /** Makes the next `times` (default 1) calls of `method` fail as described. */
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /**
   * Deletes a message as a workspace admin would (its thread replies stay, as in Slack): later calls about it
   * answer `message_not_found`. @returns false when there was no such message.
   */
  removeMessage(channel: string, ts: string): boolean;
  /** Forgets calls, messages, ephemerals, views, triggers, injected failures and rate-limit state. */
  reset(): void;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Body | string;
}

/** A call left unanswered on purpose (an injected hang): its connection stays open. */
const HANG = { status: 0, headers: {}, body: 'no answer (injected hang)' } as const satisfies HttpAnswer;

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Fields Slack takes as JSON-encoded strings, in form and JSON posts alike. */
const JSON_FIELDS = ['blocks', 'view', 'metadata'];

const ok = (body: Body): HttpAnswer => ({ status: 200, headers: JSON_TYPE, body: { ok: true, ...body } });
const apiError = (error: string, details: Readonly<Record<string, unknown>> = {}): HttpAnswer => ({
  status: 200,
  headers: JSON_TYPE,
  body: { ok: false, error, ...details },
});

function injectedAnswer(failure: InjectedFailure): HttpAnswer {
  if ('hang' in failure) return HANG;
  if ('error' in failure) return apiError(failure.error, failure.details);
  const retryAfter: Record<string, string> =
    failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
  if (failure.status === 429 && failure.body === undefined) {
    return {
      status: 429,
      headers: { ...retryAfter, ...JSON_TYPE },
      body: { ok: false, error: 'ratelimited' },
    };
  }
  return {
    status: failure.status,
    headers: { ...retryAfter, ...(failure.status === 200 ? JSON_TYPE : { 'content-type': 'text/plain' }) },
    body: failure.body ?? STATUS_CODES[failure.status] ?? 'Error',
  };
}

/** Parsed JSON, or the string itself when it is not JSON (the method then reports the bad field). */
function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function parseBody(contentType: string, raw: string): { form: boolean; args: Args } | { error: string } {
  let args: Args;
  if (contentType === 'application/x-www-form-urlencoded' || (contentType === '' && raw === '')) {
    args = Object.fromEntries(new URLSearchParams(raw));
  } else if (contentType === 'application/json') {
    const parsed = tryJson(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { error: 'invalid_json' };
    args = parsed as Args;
  } else {
    return { error: contentType === '' ? 'missing_post_type' : 'invalid_post_type' };
  }
  for (const field of JSON_FIELDS) {
    const value = args[field];
    if (typeof value === 'string') args[field] = tryJson(value);
  }
  return { form: contentType !== 'application/json', args };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Starts the stand-in and resolves once it listens. */
export async function startSlackStandin(options: SlackStandinOptions): Promise<SlackStandin> {
  if (!options.botToken) throw new TypeError('botToken is required');
  const clock = options.clock ?? Date.now;
  const identity: StandinIdentity = {
    teamId: options.teamId ?? 'T0LOCAL001',
    teamDomain: 'infrawatch-local',
    teamName: 'InfraWatch (local)',
    botUserId: 'U0INFRABOT',
    botId: 'B0INFRABOT',
    appId: 'A0INFRAAPP',
    botName: 'infrawatch',
  };
  const journal = options.messagesFile === undefined ? undefined : openMessageJournal(options.messagesFile);
  const state = new StandinState(
    identity,
    clock,
    options.channels,
    (options.users ?? []).map((u) => u.id),
    journal,
  );
  const rateLimit = options.rateLimit ?? { perChannelPerSecond: 1 };
  const limiter = rateLimit === false ? undefined : new ChannelRateLimiter(rateLimit, clock);
  const methods: Record<string, MethodHandler> = {
    ...authMethods(identity),
    ...chatMethods(state, limiter),
    ...conversationsMethods(state),
    ...viewsMethods(state),
    ...usersMethods(state, options.users ?? []),
  };
  let recorded: RecordedCall[] = [];
  let failures = new Map<string, InjectedFailure[]>();
  let callCounts = new Map<string, number>();

  const planned = (method: string, args: Args): InjectedFailure | undefined => {
    const queued = failures.get(method)?.shift();
    if (queued || !options.faults) return queued;
    const index = callCounts.get(method) ?? 0;
    callCounts.set(method, index + 1);
    return options.faults({ method, index, args });
  };

  const respond = (method: string, args: Args, token: string | undefined): HttpAnswer => {
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) return apiError('unknown_method', { req_method: method });
    if (!token) return apiError('not_authed');
    if (token !== options.botToken) return apiError('invalid_auth');
    try {
      return ok(handler(args));
    } catch (error) {
      if (error instanceof RateLimitedError) {
        const headers = { ...JSON_TYPE, 'retry-after': String(error.retryAfterSeconds) };
        return { status: 429, headers, body: { ok: false, error: error.code } };
      }
      if (error instanceof SlackMethodError) return apiError(error.code, error.details);
      throw error;
    }
  };

  const answer = (method: string, args: Args, token: string | undefined): HttpAnswer => {
    const injected = planned(method, args);
    if (!injected) return respond(method, args, token);
    if (injected.afterApplying && injected.applyAfterMs !== undefined) {
      const late = setTimeout(() => respond(method, args, token), injected.applyAfterMs);
      late.unref();
    } else if (injected.afterApplying) respond(method, args, token);
    return injectedAnswer(injected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    if (!path.startsWith('/api/')) {
      send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' });
      return;
    }
    if (req.method !== 'POST') {
      const headers = { 'content-type': 'text/plain', allow: 'POST' };
      send(res, { status: 405, headers, body: 'Method Not Allowed' });
      return;
    }
    const method = path.slice('/api/'.length);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const at = clock();
    const parsed = parseBody(contentType, await readText(req, MAX_BODY_BYTES));
    const { token: bodyToken, ...args } = 'args' in parsed ? parsed.args : {};
    // Slack reads a token from the body only in form posts; JSON posts must use the header.
    const formToken =
      'form' in parsed && parsed.form && typeof bodyToken === 'string' ? bodyToken : undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? formToken;
    const response = 'error' in parsed ? apiError(parsed.error) : answer(method, args, token);
    recorded.push({ method, args, token, contentType, at, response });
    if (response !== HANG) send(res, response);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    journal?.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const channelId = (ref: string): string | undefined => {
    try {
      return state.channel(ref).id;
    } catch {
      return undefined;
    }
  };

  const messages = (channel: string): StandinMessage[] => {
    const id = channelId(channel);
    return id === undefined ? [] : structuredClone([...state.messages(id)]);
  };

  return {
    url: `http://127.0.0.1:${port}/api/`,
    identity,
    get calls() {
      return [...recorded];
    },
    callsTo: (method) => recorded.filter((call) => call.method === method),
    messages,
    message(channel, ts) {
      const id = channelId(channel);
      const found = id === undefined ? undefined : state.message(id, ts);
      return found && structuredClone(found);
    },
    replies: (channel, threadTs) =>
      messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs),
    ephemerals(filter = {}) {
      const id = filter.channel === undefined ? undefined : (channelId(filter.channel) ?? '');
      return structuredClone(
        state.ephemerals.filter(
          (e) => (id === undefined || e.channel === id) && (!filter.user || e.user === filter.user),
        ),
      );
    },
    views: () => structuredClone(state.views),
    issueTriggerId: (triggerOptions = {}) => state.issueTrigger(triggerOptions.userId),
    failNext(method, failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array<InjectedFailure>(times).fill(failure)]);
    },
    removeMessage(channel, ts) {
      const id = channelId(channel);
      return id !== undefined && state.remove(id, ts);
    },
    reset() {
      recorded = [];
      failures = new Map();
      callCounts = new Map();
      limiter?.reset();
      state.reset();
    },
    close() {
      journal?.close();
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // WebClient's fetch keeps connections alive; close() would wait for them otherwise.
        server.closeAllConnections();
      });
    },
  };
}
