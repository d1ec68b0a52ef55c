/**
 * A local stand-in for the Slack Web API: a small HTTP server implementing the methods InfraWatch
 * calls, so tests and `npm start` run the real `@slack/web-api` WebClient and the real Bolt app
 * without a Slack workspace. Point a WebClient at {@link SlackStandin.url} through `slackApiUrl`.
 *
 * It answers like Slack: HTTP 200 with `{ ok: false, error }` for API errors, HTTP 429 with
 * `Retry-After` when a channel is posted to too fast, Block Kit validated with Slack's limits, and
 * trigger_ids that expire after 3 seconds. Time comes from an injectable clock.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatIssue, validateMessageBlocks, validateModalView } from './block-kit-validator';
import { type ChannelRateLimit, ChannelRateLimiter } from './channel-rate-limiter';
import { type MessageJournal, openMessageJournal } from './slack/message-journal';

/** A workspace member the stand-in knows (users.info, ephemeral recipients, DMs). */
export interface StandinUserConfig {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  /** IANA zone, e.g. `Europe/Paris`. Default `UTC`. */
  readonly tz?: string;
  /** Offset from UTC in seconds, as users.info reports it. Default 0. */
  readonly tzOffset?: number;
  readonly email?: string;
  readonly isBot?: boolean;
}

/** A conversation the stand-in knows. */
export interface StandinChannelConfig {
  readonly id: string;
  readonly name: string;
  readonly isPrivate?: boolean;
  /** Whether the bot was invited. Posting where it was not answers `not_in_channel`. Default true. */
  readonly isMember?: boolean;
  /** Posting to an archived channel answers `is_archived`. Default false. */
  readonly isArchived?: boolean;
}

/** Options of {@link startSlackStandin}. */
export interface SlackStandinOptions {
  /** The only bot token accepted; any other answers `invalid_auth`. */
  readonly botToken: string;
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Enables {@link SlackStandin.signRequest}, for building requests Bolt's receiver accepts. */
  readonly signingSecret?: string;
  readonly teamId?: string;
  /** Workspace subdomain used in permalinks and auth.test's url. Default `infrawatch-local`. */
  readonly teamDomain?: string;
  readonly teamName?: string;
  /** The bot's identity as auth.test reports it. */
  readonly bot?: {
    readonly userId?: string;
    readonly botId?: string;
    readonly appId?: string;
    readonly name?: string;
  };
  /** Workspace members. users.info of anyone else answers `user_not_found`. */
  readonly users?: readonly StandinUserConfig[];
  /**
   * Known channels. When given, any other channel answers `channel_not_found`; when absent, channels
   * are created on first use (an ID like `C123` keeps its ID, a name gets a new one).
   */
  readonly channels?: readonly StandinChannelConfig[];
  /** chat.postMessage limit per channel; default 1/s with a burst of 3. `false` turns it off. */
  readonly rateLimit?: ChannelRateLimit | false;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /** Lifetime of trigger_ids from {@link SlackStandin.issueTriggerId}. Slack's is 3 seconds. */
  readonly triggerTtlMs?: number;
  /**
   * A file that keeps channel messages across restarts (see slack/message-journal.ts), as Slack does; without
   * it, messages live in memory. Ephemerals, modals and trigger_ids are never kept: Slack's are short-lived too.
   */
  readonly messagesFile?: string;
}

/** A Block Kit block as stored: validated JSON, otherwise untyped. */
export interface StandinBlock {
  readonly type: string;
  readonly block_id?: string;
  readonly [field: string]: unknown;
}

/** A Block Kit text object (validated). */
export interface StandinText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

/** A message in a channel, in its current state (after chat.update). */
export interface StandinMessage {
  readonly type: 'message';
  readonly channel: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: readonly StandinBlock[];
  readonly attachments?: readonly unknown[];
  readonly thread_ts?: string;
  readonly reply_count?: number;
  readonly metadata?: unknown;
  readonly user: string;
  readonly bot_id: string;
  readonly app_id: string;
  readonly team: string;
  readonly edited?: { readonly user: string; readonly ts: string };
}

/** A chat.postEphemeral message: only `user` sees it, and it is not part of the channel history. */
export interface StandinEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly message_ts: string;
  readonly text: string;
  readonly blocks?: readonly StandinBlock[];
  readonly attachments?: readonly unknown[];
  readonly thread_ts?: string;
}

/** A modal as Slack returns it from views.open / views.update / views.push. */
export interface StandinView {
  readonly id: string;
  readonly team_id: string;
  readonly type: string;
  readonly title: StandinText;
  readonly blocks: readonly StandinBlock[];
  readonly close: StandinText | null;
  readonly submit: StandinText | null;
  readonly private_metadata: string;
  readonly callback_id: string;
  readonly external_id: string;
  readonly state: { readonly values: Readonly<Record<string, unknown>> };
  readonly hash: string;
  readonly clear_on_close: boolean;
  readonly notify_on_close: boolean;
  readonly root_view_id: string;
  readonly previous_view_id: string | null;
  readonly app_id: string;
  readonly app_installed_team_id: string;
  readonly bot_id: string;
}

/** A modal that was opened or pushed, with who it was opened for. */
export interface OpenedView {
  readonly view: StandinView;
  /** The user of the trigger_id it was opened with, if the trigger named one. */
  readonly userId: string | undefined;
  readonly openedBy: 'views.open' | 'views.push';
  readonly openedAt: number;
  /** Number of views.update calls applied since. */
  readonly updates: number;
}

/** One HTTP request the stand-in answered. */
export interface RecordedCall {
  /** Web API method, e.g. `chat.postMessage`. */
  readonly method: string;
  /** Arguments from the form or JSON body, JSON-encoded fields (blocks, attachments, view, metadata) decoded, token removed. */
  readonly args: Readonly<Record<string, unknown>>;
  /** Token from the `Authorization: Bearer` header, else from a form `token` field. */
  readonly token: string | undefined;
  readonly contentType: string;
  /** Clock time of the request, ms. */
  readonly at: number;
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    /** The JSON body, or the raw text for injected non-JSON failures. */
    readonly body: Readonly<Record<string, unknown>> | string;
  };
}

/**
 * A failure to inject with {@link SlackStandin.failNext}: an HTTP status (500, 503, or 429 with
 * `retryAfter` seconds), or a Slack API error answered as HTTP 200 `{ ok: false, error }`.
 */
export type InjectedFailure = (
  | { readonly status: number; readonly retryAfter?: number; readonly body?: string }
  | { readonly error: string; readonly details?: Readonly<Record<string, unknown>> }
) & {
  /**
   * Carry the call out, then answer with the failure: a post whose answer was lost on the way back (a
   * gateway timeout after Slack accepted it), the case that makes blind retries post twice.
   */
  readonly afterApplying?: boolean;
};

/** The bot and workspace identity the stand-in reports (auth.test, message authorship). */
export interface StandinIdentity {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly teamName: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly botName: string;
}

/** Headers Slack signs requests to an app with (https://api.slack.com/authentication/verifying-requests-from-slack). */
export interface SlackSignatureHeaders {
  readonly 'x-slack-request-timestamp': string;
  readonly 'x-slack-signature': string;
}

/** The running stand-in. */
export interface SlackStandin {
  /** Base URL ending in `/api/`, for WebClient's `slackApiUrl`. */
  readonly url: string;
  readonly port: number;
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
  /** Every modal opened or pushed, in order, in its current state. */
  views(): readonly OpenedView[];
  /** One modal by view ID or external_id. */
  view(idOrExternalId: string): OpenedView | undefined;
  /**
   * Mints a trigger_id as an interaction would, valid for 3 s of the clock and usable once.
   * `viewId` marks a trigger from inside an open modal, which views.push needs.
   */
  issueTriggerId(options?: { readonly userId?: string; readonly viewId?: string }): string;
  /** Makes the next `times` (default 1) calls of `method` fail as described. */
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /**
   * Deletes a message as a workspace admin would (its thread replies stay, as in Slack): later calls about it
   * answer `message_not_found`. @returns false when there was no such message.
   */
  removeMessage(channel: string, ts: string): boolean;
  /** Signature headers for a request body sent to the app, as Slack would sign it. Needs `signingSecret`. */
  signRequest(rawBody: string, timestampSeconds?: number): SlackSignatureHeaders;
  /** Forgets calls, messages, ephemerals, views, triggers, injected failures and rate-limit state. */
  reset(): void;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Misuse of the stand-in itself (not a Slack API answer). */
export class SlackStandinError extends Error {
  constructor(
    readonly code: 'SigningSecretMissing' | 'InvalidOption',
    message: string,
  ) {
    super(message);
    this.name = 'SlackStandinError';
  }
}

/** Methods the stand-in implements. */
export const STANDIN_METHODS = [
  'auth.test',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.getPermalink',
  'views.open',
  'views.update',
  'views.push',
  'users.info',
  'conversations.info',
  'conversations.history',
  'conversations.replies',
] as const;

/** Starts the stand-in and resolves once it listens. */
export async function startSlackStandin(options: SlackStandinOptions): Promise<SlackStandin> {
  const standin = new Standin(options);
  await standin.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return standin;
}

/** Longest message text chat.* accept; longer answers `msg_too_long`. */
const MAX_TEXT_LENGTH = 40_000;
/** Slack's limit on attachments per message. */
const MAX_ATTACHMENTS = 100;
/** Slack lets a modal stack hold 3 views. */
const VIEW_STACK_LIMIT = 3;
const DEFAULT_TRIGGER_TTL_MS = 3_000;
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Fields Slack expects as JSON-encoded strings in form bodies. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

type Args = Record<string, unknown>;
type Body = Record<string, unknown>;
type Method = (typeof STANDIN_METHODS)[number];

/** A Slack API error answered as HTTP 200 `{ ok: false, error, ...details }`. */
class SlackMethodError extends Error {
  constructor(
    readonly code: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code);
    this.name = 'SlackMethodError';
  }
}

interface Channel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly isMember: boolean;
  readonly isArchived: boolean;
  readonly isIm: boolean;
  readonly user?: string;
  readonly created: number;
}

interface Trigger {
  readonly issuedAt: number;
  readonly userId: string | undefined;
  readonly viewId: string | undefined;
  used: boolean;
}

interface ViewRecord {
  view: StandinView;
  readonly userId: string | undefined;
  readonly openedBy: 'views.open' | 'views.push';
  readonly openedAt: number;
  updates: number;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Body | string;
}

class Standin implements SlackStandin {
  url = '';
  port = 0;
  readonly identity: StandinIdentity;

  private readonly server: Server;
  private readonly clock: () => number;
  private readonly botToken: string;
  private readonly signingSecret: string | undefined;
  private readonly triggerTtlMs: number;
  private readonly users = new Map<string, StandinUserConfig>();
  private readonly channelList: readonly StandinChannelConfig[] | undefined;
  private readonly limiter: ChannelRateLimiter | undefined;

  private recorded: RecordedCall[] = [];
  private channels = new Map<string, Channel>();
  /** Messages per channel ID, in ts order. */
  private history = new Map<string, StandinMessage[]>();
  private ephemeralLog: StandinEphemeral[] = [];
  private viewRecords: ViewRecord[] = [];
  /** View IDs of each modal stack, keyed by its root view ID. */
  private stacks = new Map<string, string[]>();
  private triggers = new Map<string, Trigger>();
  private failures = new Map<string, InjectedFailure[]>();
  private lastTsMicros = 0;
  private counter = 0;
  private readonly journal: MessageJournal | undefined;

  constructor(options: SlackStandinOptions) {
    if (!options.botToken) {
      throw new SlackStandinError('InvalidOption', 'botToken is required');
    }
    this.clock = options.clock ?? Date.now;
    this.botToken = options.botToken;
    this.signingSecret = options.signingSecret;
    this.triggerTtlMs = options.triggerTtlMs ?? DEFAULT_TRIGGER_TTL_MS;
    this.identity = {
      teamId: options.teamId ?? 'T0LOCAL001',
      teamDomain: options.teamDomain ?? 'infrawatch-local',
      teamName: options.teamName ?? 'InfraWatch (local)',
      botUserId: options.bot?.userId ?? 'U0INFRABOT',
      botId: options.bot?.botId ?? 'B0INFRABOT',
      appId: options.bot?.appId ?? 'A0INFRAAPP',
      botName: options.bot?.name ?? 'infrawatch',
    };
    this.users.set(this.identity.botUserId, {
      id: this.identity.botUserId,
      name: this.identity.botName,
      realName: 'InfraWatch',
      isBot: true,
    });
    for (const user of options.users ?? []) this.users.set(user.id, user);
    this.channelList = options.channels;
    this.seedChannels();
    if (options.messagesFile !== undefined) {
      this.journal = openMessageJournal(options.messagesFile);
      this.history = this.journal.history;
      for (const [channelId, messages] of this.history) {
        if (!this.findChannel(channelId, true)) this.createChannel(channelId, true);
        for (const m of messages) this.advanceTs(m.edited?.ts ?? m.ts);
      }
    }
    const rateLimit = options.rateLimit ?? { perChannelPerSecond: 1 };
    this.limiter = rateLimit === false ? undefined : new ChannelRateLimiter(rateLimit, this.clock);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address() as AddressInfo;
        this.port = address.port;
        this.url = `http://${host}:${address.port}/api/`;
        resolve();
      });
    });
  }

  get calls(): readonly RecordedCall[] {
    return [...this.recorded];
  }

  callsTo(method: string): readonly RecordedCall[] {
    return this.recorded.filter((call) => call.method === method);
  }

  messages(channel: string): readonly StandinMessage[] {
    const found = this.findChannel(channel);
    return found ? (this.history.get(found.id) ?? []).map(publicMessage) : [];
  }

  message(channel: string, ts: string): StandinMessage | undefined {
    const found = this.findChannel(channel);
    const stored = found ? this.findMessage(found.id, ts) : undefined;
    return stored ? publicMessage(stored) : undefined;
  }

  replies(channel: string, threadTs: string): readonly StandinMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  ephemerals(
    filter: { readonly channel?: string; readonly user?: string } = {},
  ): readonly StandinEphemeral[] {
    const channelId = filter.channel === undefined ? undefined : (this.findChannel(filter.channel)?.id ?? '');
    return this.ephemeralLog
      .filter(
        (e) =>
          (channelId === undefined || e.channel === channelId) && (!filter.user || e.user === filter.user),
      )
      .map((e) => structuredClone(e));
  }

  views(): readonly OpenedView[] {
    return this.viewRecords.map(publicView);
  }

  view(idOrExternalId: string): OpenedView | undefined {
    const found = this.findView(idOrExternalId);
    return found ? publicView(found) : undefined;
  }

  issueTriggerId(options: { readonly userId?: string; readonly viewId?: string } = {}): string {
    // Slack's format: "<digits>.<digits>.<hex>".
    const id = `${this.clock()}${++this.counter}.${this.identity.teamId.replace(/\D/g, '') || '0'}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, {
      issuedAt: this.clock(),
      userId: options.userId,
      viewId: options.viewId,
      used: false,
    });
    return id;
  }

  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  removeMessage(channel: string, ts: string): boolean {
    const found = this.findChannel(channel);
    const history = found ? this.history.get(found.id) : undefined;
    const index = history?.findIndex((m) => m.ts === ts) ?? -1;
    if (!found || !history || index < 0) return false;
    history.splice(index, 1);
    this.journal?.remove(found.id, ts);
    return true;
  }

  signRequest(rawBody: string, timestampSeconds?: number): SlackSignatureHeaders {
    if (this.signingSecret === undefined) {
      throw new SlackStandinError(
        'SigningSecretMissing',
        'start the stand-in with a signingSecret to sign requests',
      );
    }
    const timestamp = String(timestampSeconds ?? Math.floor(this.clock() / 1000));
    const digest = createHmac('sha256', this.signingSecret)
      .update(`v0:${timestamp}:${rawBody}`)
      .digest('hex');
    return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${digest}` };
  }

  reset(): void {
    this.recorded = [];
    this.history = new Map();
    this.ephemeralLog = [];
    this.viewRecords = [];
    this.stacks = new Map();
    this.triggers = new Map();
    this.failures = new Map();
    this.limiter?.reset();
    this.seedChannels();
    this.journal?.clear();
  }

  close(): Promise<void> {
    this.journal?.close();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // WebClient's fetch keeps connections alive; close() would wait for them otherwise.
      this.server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------- transport

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    if (!path.startsWith('/api/')) {
      send(res, { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' });
      return;
    }
    if (req.method !== 'POST') {
      send(res, {
        status: 405,
        headers: { 'content-type': 'text/plain', allow: 'POST' },
        body: 'Method Not Allowed',
      });
      return;
    }
    const method = path.slice('/api/'.length);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const raw = await readBody(req);
    const at = this.clock();
    const parsed = parseBody(contentType, raw);
    const headerToken = bearerToken(req.headers.authorization);
    // Slack reads a token from the body only in form posts; JSON posts must use the header.
    const bodyToken =
      parsed.kind === 'form' && typeof parsed.args.token === 'string' ? parsed.args.token : undefined;
    const token = headerToken ?? bodyToken;
    const args = parsed.kind === 'error' ? {} : withoutToken(parsed.args);
    const answer = parsed.kind === 'error' ? apiError(parsed.error) : this.answer(method, args, token);
    this.recorded.push({ method, args, token, contentType, at, response: answer });
    send(res, answer);
  }

  private answer(method: string, args: Args, token: string | undefined): HttpAnswer {
    const injected = this.failures.get(method)?.shift();
    if (injected?.afterApplying) {
      this.answer(method, args, token);
      return injectedAnswer(injected);
    }
    if (injected) return injectedAnswer(injected);
    if (!isMethod(method)) return apiError('unknown_method', { req_method: method });
    if (!token) return apiError('not_authed');
    if (token !== this.botToken) return apiError('invalid_auth');
    try {
      if (method === 'chat.postMessage') return this.postMessageWithRateLimit(args);
      return ok(this.dispatch(method, args));
    } catch (error) {
      if (error instanceof SlackMethodError) return apiError(error.code, error.details);
      throw error;
    }
  }

  private postMessageWithRateLimit(args: Args): HttpAnswer {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { forWrite: true });
    const retryAfter = this.limiter?.retryAfterSeconds(channel.id) ?? 0;
    if (retryAfter > 0) {
      return {
        status: 429,
        headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfter) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    const body = this.postMessage(channel, args);
    this.limiter?.take(channel.id);
    return ok(body);
  }

  private dispatch(method: Exclude<Method, 'chat.postMessage'>, args: Args): Body {
    switch (method) {
      case 'auth.test':
        return this.authTest();
      case 'chat.update':
        return this.chatUpdate(args);
      case 'chat.postEphemeral':
        return this.postEphemeral(args);
      case 'chat.getPermalink':
        return this.getPermalink(args);
      case 'views.open':
        return this.viewsOpen(args);
      case 'views.update':
        return this.viewsUpdate(args);
      case 'views.push':
        return this.viewsPush(args);
      case 'users.info':
        return this.usersInfo(args);
      case 'conversations.info':
        return this.conversationsInfo(args);
      case 'conversations.history':
        return this.conversationsHistory(args);
      case 'conversations.replies':
        return this.conversationsReplies(args);
    }
  }

  // ---------------------------------------------------------------- methods

  private authTest(): Body {
    const id = this.identity;
    return {
      url: `https://${id.teamDomain}.slack.com/`,
      team: id.teamName,
      user: id.botName,
      team_id: id.teamId,
      user_id: id.botUserId,
      bot_id: id.botId,
      app_id: id.appId,
      is_enterprise_install: false,
    };
  }

  private postMessage(channel: Channel, args: Args): Body {
    const content = this.messageContent(args);
    const threadTs = optionalString(args, 'thread_ts');
    const message: StandinMessage = {
      ...this.authorship(),
      type: 'message',
      channel: channel.id,
      ts: this.nextTs(),
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.attachments ? { attachments: content.attachments } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
    };
    const history = this.history.get(channel.id) ?? [];
    history.push(message);
    this.history.set(channel.id, history);
    this.journal?.put(message);
    if (threadTs) this.countReply(channel.id, threadTs);
    return { channel: channel.id, ts: message.ts, message: responseMessage(message) };
  }

  private chatUpdate(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { forWrite: true });
    const ts = requiredString(args, 'ts');
    const history = this.history.get(channel.id) ?? [];
    const index = history.findIndex((m) => m.ts === ts);
    const current = history[index];
    if (current === undefined) throw new SlackMethodError('message_not_found');
    const content = this.messageContent(args, current);
    const { blocks: _blocks, attachments: _attachments, ...unchanged } = current;
    const next: StandinMessage = {
      ...unchanged,
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.attachments ? { attachments: content.attachments } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
      edited: { user: this.identity.botUserId, ts: this.nextTs() },
    };
    history[index] = next;
    this.journal?.put(next);
    return { channel: channel.id, ts, text: next.text, message: responseMessage(next) };
  }

  private postEphemeral(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { forWrite: true });
    const user = requiredString(args, 'user');
    if (!this.users.has(user)) throw new SlackMethodError('user_not_in_channel');
    const content = this.messageContent(args);
    const threadTs = optionalString(args, 'thread_ts');
    const ephemeral: StandinEphemeral = {
      channel: channel.id,
      user,
      message_ts: this.nextTs(),
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks } : {}),
      ...(content.attachments ? { attachments: content.attachments } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    this.ephemeralLog.push(ephemeral);
    return { message_ts: ephemeral.message_ts };
  }

  private getPermalink(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'));
    const ts = requiredString(args, 'message_ts');
    const message = this.findMessage(channel.id, ts);
    if (!message) throw new SlackMethodError('message_not_found');
    const base = `https://${this.identity.teamDomain}.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`;
    const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
    const permalink = isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel.id}` : base;
    return { channel: channel.id, permalink };
  }

  private viewsOpen(args: Args): Body {
    const trigger = this.checkTrigger(args);
    const payload = this.viewPayload(args);
    this.assertExternalIdFree(payload.external_id);
    trigger.used = true;
    const id = this.nextViewId();
    const view = this.buildView(id, payload, id, null);
    this.viewRecords.push({
      view,
      userId: trigger.userId,
      openedBy: 'views.open',
      openedAt: this.clock(),
      updates: 0,
    });
    this.stacks.set(id, [id]);
    return { view: structuredClone(view) };
  }

  private viewsPush(args: Args): Body {
    const trigger = this.checkTrigger(args);
    const payload = this.viewPayload(args);
    // A push needs a modal to push onto: the trigger must come from an interaction inside one.
    const from = trigger.viewId === undefined ? undefined : this.findView(trigger.viewId);
    if (!from) throw new SlackMethodError('not_found');
    const stack = this.stacks.get(from.view.root_view_id) ?? [];
    if (stack.length >= VIEW_STACK_LIMIT) throw new SlackMethodError('push_limit_reached');
    this.assertExternalIdFree(payload.external_id);
    trigger.used = true;
    const id = this.nextViewId();
    const view = this.buildView(id, payload, from.view.root_view_id, stack[stack.length - 1] ?? null);
    stack.push(id);
    this.viewRecords.push({
      view,
      userId: trigger.userId,
      openedBy: 'views.push',
      openedAt: this.clock(),
      updates: 0,
    });
    return { view: structuredClone(view) };
  }

  private viewsUpdate(args: Args): Body {
    const viewId = optionalString(args, 'view_id');
    const externalId = optionalString(args, 'external_id');
    if (!viewId && !externalId) throw invalidArguments('missing required field: view_id or external_id');
    const record = viewId
      ? this.viewRecords.find((r) => r.view.id === viewId)
      : this.viewRecords.find((r) => r.view.external_id === externalId);
    if (!record) throw new SlackMethodError('not_found');
    const payload = this.viewPayload(args);
    const hash = optionalString(args, 'hash');
    if (hash !== undefined && hash !== record.view.hash) throw new SlackMethodError('hash_conflict');
    if (payload.external_id && payload.external_id !== record.view.external_id) {
      this.assertExternalIdFree(payload.external_id);
    }
    // The view keeps its external_id when the new payload names none, so it stays addressable by it.
    const kept = payload.external_id ? payload : { ...payload, external_id: record.view.external_id };
    record.view = this.buildView(
      record.view.id,
      kept,
      record.view.root_view_id,
      record.view.previous_view_id,
    );
    record.updates += 1;
    return { view: structuredClone(record.view) };
  }

  private usersInfo(args: Args): Body {
    const user = this.users.get(requiredString(args, 'user'));
    if (!user) throw new SlackMethodError('user_not_found');
    const tz = user.tz ?? 'UTC';
    const realName = user.realName ?? user.name;
    const displayName = user.displayName ?? '';
    return {
      user: {
        id: user.id,
        team_id: this.identity.teamId,
        name: user.name,
        deleted: false,
        real_name: realName,
        tz,
        tz_label: tz,
        tz_offset: user.tzOffset ?? 0,
        is_bot: user.isBot ?? false,
        is_app_user: false,
        is_admin: false,
        is_owner: false,
        updated: Math.floor(this.clock() / 1000),
        profile: {
          real_name: realName,
          real_name_normalized: realName,
          display_name: displayName,
          display_name_normalized: displayName,
          ...(user.email ? { email: user.email } : {}),
          team: this.identity.teamId,
        },
      },
    };
  }

  /**
   * Top-level messages, newest first, between `oldest` and `latest` (exclusive, like Slack's defaults), a page
   * of `limit` at a time: `has_more` and `response_metadata.next_cursor` lead to the next, older page.
   * Message metadata is only returned with `include_all_metadata`, as Slack does.
   */
  private conversationsHistory(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { byIdOnly: true });
    const oldest = Number(optionalString(args, 'oldest') ?? '0');
    const cursor = decodeCursor(optionalString(args, 'cursor'));
    const latest = Math.min(Number(optionalString(args, 'latest') ?? 'Infinity'), cursor ?? Infinity);
    const all = (this.history.get(channel.id) ?? [])
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
      .reverse();
    return pageOf(all, args);
  }

  /** A thread, oldest first: its parent, then its replies, a page of `limit` at a time (like history). */
  private conversationsReplies(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { byIdOnly: true });
    const ts = requiredString(args, 'ts');
    const history = this.history.get(channel.id) ?? [];
    if (!history.some((m) => m.ts === ts || m.thread_ts === ts))
      throw new SlackMethodError('thread_not_found');
    const after = decodeCursor(optionalString(args, 'cursor')) ?? -Infinity;
    const thread = history.filter((m) => (m.ts === ts || m.thread_ts === ts) && Number(m.ts) > after);
    return pageOf(thread, args);
  }

  private conversationsInfo(args: Args): Body {
    const channel = this.resolveChannel(requiredString(args, 'channel'), { byIdOnly: true });
    if (channel.isIm) {
      return {
        channel: {
          id: channel.id,
          created: channel.created,
          is_im: true,
          is_org_shared: false,
          user: channel.user,
        },
      };
    }
    return {
      channel: {
        id: channel.id,
        name: channel.name,
        name_normalized: channel.name,
        is_channel: !channel.isPrivate,
        is_group: channel.isPrivate,
        is_im: false,
        is_mpim: false,
        is_private: channel.isPrivate,
        is_archived: channel.isArchived,
        is_general: false,
        is_shared: false,
        is_ext_shared: false,
        is_org_shared: false,
        is_member: channel.isMember,
        created: channel.created,
        creator: this.identity.botUserId,
        context_team_id: this.identity.teamId,
      },
    };
  }

  // ---------------------------------------------------------------- helpers

  /** text/blocks/attachments of a chat.* call, checked the way Slack checks them. */
  private messageContent(
    args: Args,
    previous?: StandinMessage,
  ): { text: string; blocks?: StandinBlock[]; attachments?: unknown[] } {
    const text = optionalString(args, 'text') ?? '';
    // chat.update keeps blocks/attachments that the call leaves out; an empty array removes them.
    let blocks = args.blocks === undefined ? previous?.blocks : args.blocks;
    let attachments = args.attachments === undefined ? previous?.attachments : args.attachments;
    if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackMethodError('invalid_blocks_format');
    if (attachments !== undefined && !Array.isArray(attachments))
      throw new SlackMethodError('invalid_attachments');
    if (blocks?.length === 0) blocks = undefined;
    if (attachments?.length === 0) attachments = undefined;
    if (!text && !blocks && !attachments) throw new SlackMethodError('no_text');
    if (text.length > MAX_TEXT_LENGTH) throw new SlackMethodError('msg_too_long');
    if (attachments && attachments.length > MAX_ATTACHMENTS)
      throw new SlackMethodError('too_many_attachments');
    if (blocks && args.blocks !== undefined) {
      const issues = validateMessageBlocks(blocks).map(formatIssue);
      if (issues.length > 0) {
        throw new SlackMethodError('invalid_blocks', {
          errors: issues,
          response_metadata: { messages: issues.map((issue) => `[ERROR] ${issue}`) },
        });
      }
    }
    return {
      text,
      ...(blocks ? { blocks: structuredClone(blocks) as StandinBlock[] } : {}),
      ...(attachments ? { attachments: structuredClone(attachments) } : {}),
    };
  }

  private viewPayload(args: Args): Record<string, unknown> {
    const view = args.view;
    if (view === undefined || view === null || view === '')
      throw invalidArguments('missing required field: view');
    if (typeof view === 'string') throw invalidArguments('failed to parse view as JSON', '/view');
    const issues = validateModalView(view).map(formatIssue);
    if (issues.length > 0) {
      // Slack reports a bad view as invalid_arguments, not invalid_blocks.
      throw new SlackMethodError('invalid_arguments', {
        response_metadata: { messages: issues.map((issue) => `[ERROR] ${issue}`) },
      });
    }
    return view as Record<string, unknown>;
  }

  private buildView(
    id: string,
    payload: Record<string, unknown>,
    rootViewId: string,
    previousViewId: string | null,
  ): StandinView {
    const str = (name: string): string =>
      typeof payload[name] === 'string' ? (payload[name] as string) : '';
    const flag = (name: string): boolean => payload[name] === true;
    return {
      id,
      team_id: this.identity.teamId,
      type: str('type'),
      title: structuredClone(payload.title) as StandinText,
      blocks: structuredClone(payload.blocks) as StandinBlock[],
      close: payload.close ? (structuredClone(payload.close) as StandinText) : null,
      submit: payload.submit ? (structuredClone(payload.submit) as StandinText) : null,
      private_metadata: str('private_metadata'),
      callback_id: str('callback_id'),
      external_id: str('external_id'),
      state: { values: {} },
      hash: `${Math.floor(this.clock() / 1000)}.${randomBytes(4).toString('hex')}`,
      clear_on_close: flag('clear_on_close'),
      notify_on_close: flag('notify_on_close'),
      root_view_id: rootViewId,
      previous_view_id: previousViewId,
      app_id: this.identity.appId,
      app_installed_team_id: this.identity.teamId,
      bot_id: this.identity.botId,
    };
  }

  private checkTrigger(args: Args): Trigger {
    const id = optionalString(args, 'trigger_id') ?? optionalString(args, 'interactivity_pointer');
    if (!id) throw invalidArguments('missing required field: trigger_id');
    const trigger = this.triggers.get(id);
    if (!trigger) throw new SlackMethodError('invalid_trigger_id');
    if (trigger.used) throw new SlackMethodError('exchanged_trigger_id');
    if (this.clock() - trigger.issuedAt > this.triggerTtlMs) throw new SlackMethodError('expired_trigger_id');
    return trigger;
  }

  private assertExternalIdFree(externalId: unknown): void {
    if (typeof externalId === 'string' && externalId !== '' && this.findView(externalId)) {
      throw new SlackMethodError('duplicate_external_id');
    }
  }

  private findView(idOrExternalId: string): ViewRecord | undefined {
    return (
      this.viewRecords.find((r) => r.view.id === idOrExternalId) ??
      this.viewRecords.find((r) => r.view.external_id !== '' && r.view.external_id === idOrExternalId)
    );
  }

  private resolveChannel(ref: string, options: { forWrite?: boolean; byIdOnly?: boolean } = {}): Channel {
    const byIdOnly = options.byIdOnly ?? false;
    const channel = this.findChannel(ref, byIdOnly) ?? this.createChannel(ref, byIdOnly);
    if (!channel) throw new SlackMethodError('channel_not_found');
    if (options.forWrite && channel.isArchived) throw new SlackMethodError('is_archived');
    if (options.forWrite && !channel.isMember) throw new SlackMethodError('not_in_channel');
    return channel;
  }

  /** By ID; unless `byIdOnly` (conversations.info), also by name or by user ID (the bot's DM with them). */
  private findChannel(ref: string, byIdOnly = false): Channel | undefined {
    const byId = this.channels.get(ref);
    if (byId || byIdOnly) return byId;
    if (this.users.has(ref)) return this.openDm(ref);
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => !c.isIm && c.name === name);
  }

  /** Posting to a user ID posts to the bot's DM with that user, as Slack does. */
  private openDm(userId: string): Channel {
    const id = `D${userId.slice(1)}`;
    const existing = this.channels.get(id);
    if (existing) return existing;
    const dm: Channel = {
      id,
      name: id,
      isPrivate: true,
      isMember: true,
      isArchived: false,
      isIm: true,
      user: userId,
      created: Math.floor(this.clock() / 1000),
    };
    this.channels.set(id, dm);
    return dm;
  }

  /** Only without a configured channel list: the workspace then has whatever channel a test names. */
  private createChannel(ref: string, byIdOnly: boolean): Channel | undefined {
    if (this.channelList !== undefined || ref === '') return undefined;
    const looksLikeId = /^[CG][A-Z0-9]{2,}$/.test(ref);
    if (byIdOnly && !looksLikeId) return undefined;
    const channel: Channel = {
      id: looksLikeId ? ref : `C${String(++this.counter).padStart(9, '0')}`,
      name: looksLikeId ? ref.toLowerCase() : ref.replace(/^#/, ''),
      isPrivate: ref.startsWith('G'),
      isMember: true,
      isArchived: false,
      isIm: false,
      created: Math.floor(this.clock() / 1000),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  private seedChannels(): void {
    this.channels = new Map();
    const created = Math.floor(this.clock() / 1000);
    for (const c of this.channelList ?? []) {
      this.channels.set(c.id, {
        id: c.id,
        name: c.name,
        isPrivate: c.isPrivate ?? false,
        isMember: c.isMember ?? true,
        isArchived: c.isArchived ?? false,
        isIm: false,
        created,
      });
    }
  }

  private findMessage(channelId: string, ts: string): StandinMessage | undefined {
    return this.history.get(channelId)?.find((m) => m.ts === ts);
  }

  private countReply(channelId: string, threadTs: string): void {
    const history = this.history.get(channelId) ?? [];
    const index = history.findIndex((m) => m.ts === threadTs);
    const parent = history[index];
    if (parent) {
      const counted = { ...parent, thread_ts: threadTs, reply_count: (parent.reply_count ?? 0) + 1 };
      history[index] = counted;
      this.journal?.put(counted);
    }
  }

  private authorship(): Pick<StandinMessage, 'user' | 'bot_id' | 'app_id' | 'team'> {
    return {
      user: this.identity.botUserId,
      bot_id: this.identity.botId,
      app_id: this.identity.appId,
      team: this.identity.teamId,
    };
  }

  /** Unique, increasing message timestamps in Slack's "seconds.micros" form, from the clock. */
  private nextTs(): string {
    const micros = Math.max(Math.floor(this.clock() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  /** Keeps timestamps after a restored one: a ts is unique in a channel, and the app finds messages by it. */
  private advanceTs(ts: string): void {
    const [seconds = '0', micros = '0'] = ts.split('.');
    this.lastTsMicros = Math.max(this.lastTsMicros, Number(seconds) * 1e6 + Number(micros));
  }

  private nextViewId(): string {
    return `V${(++this.counter).toString(36).toUpperCase().padStart(10, '0')}`;
  }
}

// ---------------------------------------------------------------- pure helpers

/** One page of `messages` (already in answer order) as history/replies answer it, with Slack's cursor. */
function pageOf(messages: readonly StandinMessage[], args: Args): Body {
  const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
  const page = messages.slice(0, limit).map((m) => {
    const { metadata, ...rest } = responseMessage(m) as Body;
    return withMetadata && metadata !== undefined ? { ...rest, metadata } : rest;
  });
  const last = page.at(-1);
  const hasMore = messages.length > limit && last !== undefined;
  return {
    messages: page,
    has_more: hasMore,
    pin_count: 0,
    // Slack's cursors are opaque; this one is base64 of "next_ts:<ts>", the edge of the next page.
    ...(hasMore
      ? { response_metadata: { next_cursor: Buffer.from(`next_ts:${String(last.ts)}`).toString('base64') } }
      : {}),
  };
}

/** The ts a cursor from {@link pageOf} points at, or undefined (no or unreadable cursor). */
function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match) throw new SlackMethodError('invalid_cursor');
  return Number(match[1]);
}

type ParsedBody = { kind: 'form' | 'json'; args: Args } | { kind: 'error'; error: string };

function parseBody(contentType: string, raw: string): ParsedBody {
  if (contentType === 'application/x-www-form-urlencoded' || (contentType === '' && raw === '')) {
    return { kind: 'form', args: decodeJsonFields(Object.fromEntries(new URLSearchParams(raw))) };
  }
  if (contentType === 'application/json') {
    const parsed = tryJson(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { kind: 'error', error: 'invalid_json' };
    }
    return { kind: 'json', args: decodeJsonFields(parsed as Args) };
  }
  return { kind: 'error', error: contentType === '' ? 'missing_post_type' : 'invalid_post_type' };
}

/** Slack takes blocks, attachments, view and metadata as JSON-encoded strings, in form and JSON posts alike. */
function decodeJsonFields(args: Args): Args {
  const decoded = { ...args };
  for (const field of JSON_FIELDS) {
    const value = decoded[field];
    if (typeof value === 'string') decoded[field] = tryJson(value);
  }
  return decoded;
}

/** Parsed JSON, or the string itself when it is not JSON (the method then reports the bad field). */
function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function withoutToken(args: Args): Args {
  const { token: _token, ...rest } = args;
  return rest;
}

function optionalString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidArguments('must provide a string', `/${name}`);
}

function requiredString(args: Args, name: string): string {
  const value = optionalString(args, name);
  if (value === undefined) throw invalidArguments(`missing required field: ${name}`);
  return value;
}

function invalidArguments(message: string, pointer?: string): SlackMethodError {
  const line = pointer ? `[ERROR] ${message} [json-pointer:${pointer}]` : `[ERROR] ${message}`;
  return new SlackMethodError('invalid_arguments', { response_metadata: { messages: [line] } });
}

function isMethod(method: string): method is Method {
  return (STANDIN_METHODS as readonly string[]).includes(method);
}

function ok(body: Body): HttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { ok: true, ...body },
  };
}

function apiError(error: string, details: Readonly<Record<string, unknown>> = {}): HttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { ok: false, error, ...details },
  };
}

function injectedAnswer(failure: InjectedFailure): HttpAnswer {
  if ('error' in failure) return apiError(failure.error, failure.details);
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
  if (failure.status === 429 && failure.body === undefined) {
    return {
      status: 429,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      body: { ok: false, error: 'ratelimited' },
    };
  }
  return {
    status: failure.status,
    headers: { ...headers, 'content-type': 'text/plain' },
    body: failure.body ?? STATUS_CODES[failure.status] ?? 'Error',
  };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function responseMessage(message: StandinMessage): Body {
  const { channel: _channel, ...rest } = message;
  return structuredClone(rest);
}

function publicMessage(message: StandinMessage): StandinMessage {
  return structuredClone(message);
}

function publicView(record: ViewRecord): OpenedView {
  return {
    view: structuredClone(record.view),
    userId: record.userId,
    openedBy: record.openedBy,
    openedAt: record.openedAt,
    updates: record.updates,
  };
}
