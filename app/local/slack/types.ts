/** What the Slack stand-in stores and answers: Slack's own shapes, as far as InfraWatch reads them. */

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
  readonly thread_ts?: string;
  /** `thread_broadcast`: a reply also sent to the channel (`reply_broadcast`), shown there as well as in its thread. */
  readonly subtype?: 'thread_broadcast';
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
}

/** A modal as Slack returns it from views.open. */
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
  readonly state: { readonly values: Readonly<Record<string, unknown>> };
  readonly hash: string;
  readonly app_id: string;
  readonly bot_id: string;
}

/** A modal that was opened, with who it was opened for. */
export interface OpenedView {
  readonly view: StandinView;
  /** The user of the trigger_id it was opened with, if the trigger named one. */
  readonly userId: string | undefined;
  readonly openedAt: number;
}

/** One HTTP request the stand-in answered. */
export interface RecordedCall {
  /** Web API method, e.g. `chat.postMessage`. */
  readonly method: string;
  /** Arguments from the form or JSON body, JSON-encoded fields (blocks, view, metadata) decoded, token removed. */
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
 * A failure to inject with `failNext` or a fault plan: an HTTP status (500, 503, or 429 with `retryAfter`
 * seconds; a 200 with a `body` that is not JSON is a malformed answer), a Slack API error answered as HTTP 200
 * `{ ok: false, error }`, or no answer.
 */
export type InjectedFailure = (
  | { readonly status: number; readonly retryAfter?: number; readonly body?: string }
  | { readonly error: string; readonly details?: Readonly<Record<string, unknown>> }
  /** No answer at all: the connection stays open until the client gives up (or the stand-in closes). */
  | { readonly hang: true }
) & {
  /**
   * Carry the call out, then answer with the failure: a post whose answer was lost on the way back (a
   * gateway timeout after Slack accepted it), the case that makes blind retries post twice.
   */
  readonly afterApplying?: boolean;
  /**
   * With `afterApplying`: carry the call out this long after it arrived instead of before answering. With a
   * hang, that is a call the client gave up on that Slack still carries out later (a request stuck in a busy
   * Slack, or on its way there): a history search in between does not see it yet.
   */
  readonly applyAfterMs?: number;
};

/**
 * Decides, call by call, whether the stand-in answers normally or with a failure (the reliability suite's
 * seeded fault plans). `index` counts the calls of `method` from 0.
 */
export type FaultPlan = (call: {
  readonly method: string;
  readonly index: number;
  readonly args: Readonly<Record<string, unknown>>;
}) => InjectedFailure | undefined;

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
