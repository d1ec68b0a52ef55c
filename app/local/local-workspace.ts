/**
 * The Slack side of the local page (`npm start`): what Slack's client and platform do around an app. A click,
 * a slash command or a modal submission from the page becomes the request Slack would send (a fresh trigger_id
 * from the stand-in, a response_url served locally, Slack's generated block ids), signed with the signing secret
 * and POSTed to the app's HTTP endpoint. The app's answer is then applied as Slack applies it: a command's
 * ephemeral reply shown to its user, a modal closed or given its errors, a response_url message posted. The
 * app under test cannot tell it from Slack.
 */
import { randomBytes } from 'node:crypto';
import type { types } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import {
  type ActionSource,
  blockActionsPayload,
  type ElementPath,
  elementAction,
  type InputValue,
  interactionBody,
  locateElement,
  type PayloadChannel,
  type PayloadUser,
  SlackPayloadError,
  slackTimestamp,
  slashCommandBody,
  viewClosedPayload,
  viewStateValues,
  viewSubmissionPayload,
  withGeneratedIds,
} from './slack-payloads';
import type { OpenedView, SlackStandin, StandinBlock, StandinMessage, StandinText } from './slack-standin';

/** A member of the local workspace, as the page's user picker shows them. */
export interface LocalUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
}

/** An ephemeral message in the channel, visible to one user. */
export interface LocalEphemeral {
  /** `api:<message_ts>` for chat.postEphemeral, `local:<n>` for command and response_url replies. */
  readonly id: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: readonly StandinBlock[];
  readonly via: 'chat.postEphemeral' | 'command response' | 'response_url';
}

/** The modal a user has open (the top of their view stack). */
export interface ModalState {
  readonly id: string;
  readonly hash: string;
  readonly title: StandinText;
  readonly submit: StandinText | null;
  readonly close: StandinText | null;
  /** With Slack's generated block and action ids. */
  readonly blocks: readonly StandinBlock[];
  /** Errors shown under input blocks, by block id: the app's `response_action: errors` or Slack's own checks. */
  readonly errors: Readonly<Record<string, string>>;
  /** 1 for a modal opened with views.open, more for pushed views. */
  readonly depth: number;
}

/** One request the local Slack sent or received, for the page's request log. */
export interface ActivityEntry {
  readonly at: string;
  readonly request: string;
  readonly status: number | null;
  readonly elapsedMs: number;
  readonly detail?: string;
}

/** Everything the page shows to one user. */
export interface WorkspaceState {
  readonly workspace: { readonly id: string; readonly name: string; readonly domain: string };
  readonly channel: PayloadChannel;
  readonly command: string;
  readonly me: LocalUser;
  readonly users: readonly (LocalUser & { readonly isBot: boolean })[];
  /** The channel's messages, thread replies included, oldest first, with Slack's generated ids. */
  readonly messages: readonly StandinMessage[];
  /** Ephemeral messages for this user in the channel, oldest first, dismissed ones left out. */
  readonly ephemerals: readonly LocalEphemeral[];
  readonly modal: ModalState | null;
  /** The most recent requests, newest last. */
  readonly activity: readonly ActivityEntry[];
  /** Problems of background work (a digest that failed), newest last. */
  readonly problems: readonly string[];
}

/** The outcome of a click, command, submission or close, for the page to report. */
export interface InteractionResult {
  /** HTTP status of the app's answer; null when nothing was sent (Slack's client refused the input). */
  readonly status: number | null;
  readonly elapsedMs: number;
  /** What a Slack user would be told went wrong, if anything. */
  readonly problem?: string;
}

/** A request from the page that cannot be carried out; `code` maps to an HTTP status. */
export class LocalWorkspaceError extends Error {
  constructor(
    readonly code: 'UnknownUser' | 'NotFound' | 'Stale' | 'Invalid',
    message: string,
  ) {
    super(message);
    this.name = 'LocalWorkspaceError';
  }
}

/** Options of {@link createLocalWorkspace}. */
export interface LocalWorkspaceOptions {
  readonly slack: SlackStandin;
  /** The app's Slack endpoint (Request URL of commands and interactivity). */
  readonly appUrl: string;
  /** The bot token, for what Slack itself does with an app's answer (post an in_channel reply, update a view). */
  readonly botToken: string;
  readonly channel: PayloadChannel;
  readonly users: readonly LocalUser[];
  /** The slash command the app registers, e.g. `/infrawatch`. */
  readonly command: string;
  /** Base of the response URLs handed to the app, ending in `/`; {@link LocalWorkspace.receiveResponse} serves them. */
  readonly responseUrlBase: string;
  /** Resolves once work the app started asynchronously (EventBridge deliveries) is done. */
  readonly settle?: () => Promise<void>;
  readonly clock?: () => number;
}

/** The local Slack around the app. */
export interface LocalWorkspace {
  /** What `userId` (default: the first user) sees. */
  state(userId?: string): WorkspaceState;
  runCommand(userId: string, text: string): Promise<InteractionResult>;
  clickElement(
    userId: string,
    click: {
      container:
        | { kind: 'message'; ts: string }
        | { kind: 'ephemeral'; id: string }
        | { kind: 'view'; id: string };
      path: ElementPath;
      actionId: string;
      selected: readonly string[];
      /** The modal's current inputs, for a click inside a modal. */
      inputs?: readonly InputValue[];
    },
  ): Promise<InteractionResult>;
  submitView(userId: string, viewId: string, inputs: readonly InputValue[]): Promise<InteractionResult>;
  closeView(userId: string, viewId: string, inputs: readonly InputValue[]): Promise<InteractionResult>;
  dismissEphemeral(userId: string, id: string): void;
  /** A POST to a response_url this workspace handed out (`id` is the last path segment). */
  receiveResponse(id: string, rawBody: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Adds an entry to the request log (the stack logs what it runs itself: replays, digests). */
  record(entry: ActivityEntry): void;
  /** Reports a failure of background work to the page. */
  reportProblem(problem: string): void;
}

/** Slack shows an error when the app has not answered within 3 seconds. */
const SLACK_TIMEOUT_MS = 3_000;
/** Slack accepts up to 5 posts to a response_url within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const ACTIVITY_KEPT = 50;
const PROBLEMS_KEPT = 20;

type ResponseSource =
  | { kind: 'command' }
  | { kind: 'message'; ts: string }
  | { kind: 'ephemeral'; id: string };

interface ResponseUrl {
  readonly userId: string;
  readonly source: ResponseSource;
  readonly expiresAt: number;
  usesLeft: number;
}

interface StoredEphemeral extends LocalEphemeral {
  readonly userId: string;
}

interface AppAnswer {
  readonly status: number;
  readonly elapsedMs: number;
  readonly json: Record<string, unknown> | undefined;
  readonly text: string;
}

/** The reply shape of slash commands, response_url posts and Bolt's `respond`. */
interface ReplyMessage {
  readonly text?: unknown;
  readonly blocks?: unknown;
  readonly response_type?: unknown;
  readonly replace_original?: unknown;
  readonly delete_original?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Creates the local Slack around the app at `options.appUrl`. */
export function createLocalWorkspace(options: LocalWorkspaceOptions): LocalWorkspace {
  const { slack, channel } = options;
  const clock = options.clock ?? Date.now;
  const identity = slack.identity;
  const payloadIdentity = { teamId: identity.teamId, teamDomain: identity.teamDomain, appId: identity.appId };
  // What Slack's platform does with an app's answers goes through the Web API, like any other Slack state change.
  const platform = new WebClient(options.botToken, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
  });
  const closedViews = new Set<string>();
  const viewErrors = new Map<string, { hash: string; errors: Record<string, string> }>();
  const ephemerals: StoredEphemeral[] = [];
  const dismissed = new Map<string, Set<string>>();
  const responseUrls = new Map<string, ResponseUrl>();
  const activity: ActivityEntry[] = [];
  const problems: string[] = [];
  let localCounter = 0;

  const userOf = (userId: string): PayloadUser => {
    const user = options.users.find((u) => u.id === userId);
    if (!user)
      throw new LocalWorkspaceError('UnknownUser', `${userId} is not a member of the local workspace.`);
    return { id: user.id, name: user.name };
  };

  const record = (entry: ActivityEntry): void => {
    activity.push(entry);
    if (activity.length > ACTIVITY_KEPT) activity.splice(0, activity.length - ACTIVITY_KEPT);
  };

  const newResponseUrl = (userId: string, source: ResponseSource): string => {
    const id = randomBytes(12).toString('hex');
    responseUrls.set(id, {
      userId,
      source,
      expiresAt: clock() + RESPONSE_URL_TTL_MS,
      usesLeft: RESPONSE_URL_USES,
    });
    return `${options.responseUrlBase}${id}`;
  };

  /** Open views of a user, oldest first: views.open/push records not closed since. */
  const openViews = (userId: string): OpenedView[] =>
    slack.views().filter((v) => v.userId === userId && !closedViews.has(v.view.id));

  const viewOf = (userId: string, viewId: string): OpenedView => {
    const found = openViews(userId).find((v) => v.view.id === viewId);
    if (!found) throw new LocalWorkspaceError('Stale', 'This modal is no longer open.');
    return found;
  };

  const closeStack = (view: OpenedView, whole: boolean): void => {
    const stack = slack.views().filter((v) => v.view.root_view_id === view.view.root_view_id);
    for (const v of whole ? stack : [view]) {
      closedViews.add(v.view.id);
      viewErrors.delete(v.view.id);
    }
  };

  const storedEphemerals = (userId: string): LocalEphemeral[] => {
    const fromApi: LocalEphemeral[] = slack.ephemerals({ channel: channel.id, user: userId }).map((e) => ({
      id: `api:${e.message_ts}`,
      ts: e.message_ts,
      text: e.text,
      ...(e.blocks ? { blocks: withGeneratedIds(e.blocks) } : {}),
      via: 'chat.postEphemeral' as const,
    }));
    const local = ephemerals.filter((e) => e.userId === userId).map(({ userId: _user, ...e }) => e);
    const hidden = dismissed.get(userId) ?? new Set<string>();
    return [...fromApi, ...local]
      .filter((e) => !hidden.has(e.id))
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  };

  const addEphemeral = (userId: string, reply: ReplyMessage, via: LocalEphemeral['via']): void => {
    localCounter += 1;
    const blocks = Array.isArray(reply.blocks) ? (reply.blocks as StandinBlock[]) : undefined;
    ephemerals.push({
      id: `local:${localCounter}`,
      userId,
      ts: slackTimestamp(clock()),
      text: typeof reply.text === 'string' ? reply.text : '',
      ...(blocks && blocks.length > 0 ? { blocks: withGeneratedIds(blocks) } : {}),
      via,
    });
  };

  const hide = (userId: string, id: string): void => {
    const set = dismissed.get(userId) ?? new Set<string>();
    set.add(id);
    dismissed.set(userId, set);
  };

  /** A reply as Slack shows it: in the channel for everyone, or to its user only. */
  const deliverReply = async (
    userId: string,
    reply: ReplyMessage,
    source: ResponseSource,
    via: 'command response' | 'response_url',
  ): Promise<void> => {
    const hasBlocks = Array.isArray(reply.blocks) && reply.blocks.length > 0;
    const content = {
      text: typeof reply.text === 'string' ? reply.text : '',
      ...(hasBlocks ? { blocks: reply.blocks as types.AnyBlock[] } : {}),
    };
    if (truthy(reply.delete_original) || truthy(reply.replace_original)) {
      if (source.kind === 'ephemeral') hide(userId, source.id);
      if (source.kind === 'message' && truthy(reply.delete_original)) {
        throw new LocalWorkspaceError('Invalid', 'delete_original is not supported by the local Slack.');
      }
      if (source.kind === 'message') {
        await platform.chat.update({ channel: channel.id, ts: source.ts, ...content });
        return;
      }
      if (truthy(reply.delete_original)) return;
    }
    if (reply.response_type === 'in_channel') {
      await platform.chat.postMessage({ channel: channel.id, ...content });
      return;
    }
    addEphemeral(userId, reply, via);
  };

  const sendToApp = async (body: string, label: string): Promise<AppAnswer> => {
    const started = clock();
    const response = await fetch(options.appUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...slack.signRequest(body),
      },
      body,
    });
    const text = await response.text();
    const elapsedMs = clock() - started;
    let json: Record<string, unknown> | undefined;
    if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
      try {
        const parsed = JSON.parse(text) as unknown;
        json = isRecord(parsed) ? parsed : undefined;
      } catch {
        json = undefined;
      }
    }
    record({ at: new Date(started).toISOString(), request: label, status: response.status, elapsedMs });
    return { status: response.status, elapsedMs, json, text };
  };

  /** Slack's verdict on an answer: an error status, or an answer later than 3 seconds, is shown to the user. */
  const problemOf = (answer: AppAnswer, what: string): string | undefined => {
    if (answer.status !== 200)
      return `${what} failed: the app answered HTTP ${answer.status} (Slack shows an error).`;
    if (answer.elapsedMs > SLACK_TIMEOUT_MS)
      return `${what} took ${answer.elapsedMs} ms; Slack gives up after 3 s and shows the user an error.`;
    return undefined;
  };

  const finish = async (answer: AppAnswer, what: string): Promise<InteractionResult> => {
    await options.settle?.();
    const problem = problemOf(answer, what);
    return { status: answer.status, elapsedMs: answer.elapsedMs, ...(problem ? { problem } : {}) };
  };

  const stateOf = (view: OpenedView, inputs: readonly InputValue[]) =>
    viewStateValues(withGeneratedIds(view.view.blocks), inputs);

  return {
    record,

    reportProblem(problem) {
      problems.push(problem);
      if (problems.length > PROBLEMS_KEPT) problems.splice(0, problems.length - PROBLEMS_KEPT);
    },

    state(requested) {
      const userId = requested ?? options.users[0]?.id ?? '';
      const me = userOf(userId);
      const open = openViews(userId);
      const top = open[open.length - 1];
      const errors = top ? viewErrors.get(top.view.id) : undefined;
      const bot = { id: identity.botUserId, name: identity.botName, realName: 'InfraWatch', isBot: true };
      return {
        workspace: { id: identity.teamId, name: identity.teamName, domain: identity.teamDomain },
        channel,
        command: options.command,
        me: options.users.find((u) => u.id === me.id) ?? me,
        users: [...options.users.map((u) => ({ ...u, isBot: false })), bot],
        messages: slack
          .messages(channel.id)
          .map((m) => ({ ...m, ...(m.blocks ? { blocks: withGeneratedIds(m.blocks) } : {}) })),
        ephemerals: storedEphemerals(userId),
        modal: top
          ? {
              id: top.view.id,
              hash: top.view.hash,
              title: top.view.title,
              submit: top.view.submit,
              close: top.view.close,
              blocks: withGeneratedIds(top.view.blocks),
              // Errors belong to the view they were given for; an update by the app (a new hash) clears them.
              errors: errors && errors.hash === top.view.hash ? errors.errors : {},
              depth: open.filter((v) => v.view.root_view_id === top.view.root_view_id).length,
            }
          : null,
        activity: [...activity],
        problems: [...problems],
      };
    },

    async runCommand(userId, text) {
      const user = userOf(userId);
      const match = /^\s*(\/\S+)\s*([\s\S]*)$/.exec(text);
      if (!match) {
        throw new LocalWorkspaceError(
          'Invalid',
          `Only slash commands can be sent here, e.g. ${options.command} help.`,
        );
      }
      const [, command = '', args = ''] = match;
      if (command !== options.command) {
        throw new LocalWorkspaceError(
          'Invalid',
          `${command} is not a valid command here; try ${options.command} help.`,
        );
      }
      const body = slashCommandBody({
        identity: payloadIdentity,
        user,
        channel,
        command,
        text: args.trim(),
        triggerId: slack.issueTriggerId({ userId }),
        responseUrl: newResponseUrl(userId, { kind: 'command' }),
      });
      const answer = await sendToApp(body, `${command} ${args.trim()}`.trim());
      if (answer.status === 200 && (answer.json !== undefined || answer.text !== '')) {
        // A command may be answered with a message (JSON) or with bare text, which Slack shows ephemerally.
        await deliverReply(
          userId,
          answer.json ?? { text: answer.text },
          { kind: 'command' },
          'command response',
        );
      }
      return finish(answer, command);
    },

    async clickElement(userId, click) {
      const user = userOf(userId);
      let blocks: StandinBlock[];
      let source: ActionSource;
      let viewId: string | undefined;
      if (click.container.kind === 'message') {
        const message = slack.message(channel.id, click.container.ts);
        if (!message) throw new LocalWorkspaceError('NotFound', 'That message does not exist.');
        blocks = withGeneratedIds(message.blocks);
        source = {
          kind: 'message',
          channel,
          message,
          responseUrl: newResponseUrl(userId, { kind: 'message', ts: message.ts }),
        };
      } else if (click.container.kind === 'ephemeral') {
        const id = click.container.id;
        const ephemeral = storedEphemerals(userId).find((e) => e.id === id);
        if (!ephemeral) throw new LocalWorkspaceError('NotFound', 'That ephemeral message is gone.');
        blocks = withGeneratedIds(ephemeral.blocks);
        source = {
          kind: 'ephemeral',
          channel,
          messageTs: ephemeral.ts,
          responseUrl: newResponseUrl(userId, { kind: 'ephemeral', id }),
        };
      } else {
        const view = viewOf(userId, click.container.id);
        viewId = view.view.id;
        blocks = withGeneratedIds(view.view.blocks);
        source = { kind: 'view', view: view.view, state: stateOf(view, click.inputs ?? []).values };
      }
      let located: ReturnType<typeof locateElement>;
      try {
        located = locateElement(blocks, click.path);
      } catch (error) {
        // The page showed an element that is gone now (the app updated the message since): Slack would not
        // have shown it either.
        if (error instanceof SlackPayloadError && error.code === 'NoSuchElement') {
          throw new LocalWorkspaceError('Stale', 'This message changed since it was shown; look again.');
        }
        throw error;
      }
      if (located.actionId !== click.actionId) {
        throw new LocalWorkspaceError('Stale', 'This message changed since it was shown; look again.');
      }
      const action = elementAction(located, click.selected, slackTimestamp(clock()));
      const payload = blockActionsPayload({
        identity: payloadIdentity,
        user,
        source,
        action,
        triggerId: slack.issueTriggerId({ userId, ...(viewId ? { viewId } : {}) }),
      });
      const answer = await sendToApp(interactionBody(payload), `block_actions ${located.actionId}`);
      return finish(answer, 'The action');
    },

    async submitView(userId, viewId, inputs) {
      const user = userOf(userId);
      const view = viewOf(userId, viewId);
      const { values, errors } = stateOf(view, inputs);
      if (Object.keys(errors).length > 0) {
        // Slack's client checks required inputs and lengths itself; the app never sees such a submission.
        viewErrors.set(view.view.id, { hash: view.view.hash, errors });
        return { status: null, elapsedMs: 0 };
      }
      const payload = viewSubmissionPayload({
        identity: payloadIdentity,
        user,
        view: view.view,
        values,
        triggerId: slack.issueTriggerId({ userId, viewId: view.view.id }),
      });
      const answer = await sendToApp(interactionBody(payload), `view_submission ${view.view.callback_id}`);
      if (answer.status === 200) {
        const action = answer.json?.response_action;
        if (action === 'errors' && isRecord(answer.json?.errors)) {
          const shown: Record<string, string> = {};
          for (const [blockId, message] of Object.entries(answer.json.errors))
            shown[blockId] = String(message);
          viewErrors.set(view.view.id, { hash: view.view.hash, errors: shown });
        } else if (action === 'update' && isRecord(answer.json?.view)) {
          await platform.views.update({
            view_id: view.view.id,
            view: answer.json.view as unknown as types.View,
          });
        } else if (action === 'push' && isRecord(answer.json?.view)) {
          await platform.views.push({
            trigger_id: slack.issueTriggerId({ userId, viewId: view.view.id }),
            view: answer.json.view as unknown as types.View,
          });
        } else {
          // An empty answer closes the submitted view; `clear` closes the whole stack.
          closeStack(view, action === 'clear');
        }
      }
      return finish(answer, 'Submitting the form');
    },

    async closeView(userId, viewId, inputs) {
      const user = userOf(userId);
      const view = viewOf(userId, viewId);
      closeStack(view, false);
      if (!view.view.notify_on_close) return { status: null, elapsedMs: 0 };
      const payload = viewClosedPayload({
        identity: payloadIdentity,
        user,
        view: view.view,
        values: stateOf(view, inputs).values,
      });
      const answer = await sendToApp(interactionBody(payload), `view_closed ${view.view.callback_id}`);
      return finish(answer, 'Closing the modal');
    },

    dismissEphemeral(userId, id) {
      userOf(userId);
      hide(userId, id);
    },

    async receiveResponse(id, rawBody) {
      const target = responseUrls.get(id);
      if (!target || target.usesLeft <= 0 || clock() > target.expiresAt) {
        return { status: 404, body: { ok: false, error: 'expired_url' } };
      }
      let reply: unknown;
      try {
        reply = JSON.parse(rawBody) as unknown;
      } catch {
        return { status: 400, body: { ok: false, error: 'invalid_payload' } };
      }
      if (!isRecord(reply)) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
      const deletes = truthy(reply.delete_original);
      const hasContent =
        typeof reply.text === 'string' || (Array.isArray(reply.blocks) && reply.blocks.length > 0);
      if (!deletes && !hasContent) return { status: 400, body: { ok: false, error: 'no_text' } };
      target.usesLeft -= 1;
      const started = clock();
      try {
        await deliverReply(target.userId, reply, target.source, 'response_url');
      } catch (error) {
        if (!(error instanceof LocalWorkspaceError)) throw error;
        return { status: 400, body: { ok: false, error: error.message } };
      }
      record({
        at: new Date(started).toISOString(),
        request: 'response_url (from the app)',
        status: 200,
        elapsedMs: clock() - started,
      });
      return { status: 200, body: { ok: true } };
    },
  };
}
