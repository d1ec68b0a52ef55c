/**
 * The Slack side of the local page (`npm start`): what Slack's client and platform do around an app. A click on a
 * message, a slash command or a modal submission from the page becomes the request Slack would send (a fresh
 * trigger_id from the stand-in, Slack's generated block ids), signed with the signing secret and POSTed to the
 * app's HTTP endpoint. The app's answer is then applied as Slack applies it: a command's ephemeral reply shown to
 * its user, a modal closed or given its errors. Only what InfraWatch uses is modelled: its buttons and menus live
 * on channel messages, its modals hold inputs and no buttons, and it answers through `ack` and the Web API, never
 * through a response_url.
 */

import { isRecord } from '../../src/json';
import type { OpenedView, SlackStandin, StandinBlock, StandinMessage, StandinText } from './slack';
import {
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
  viewStateValues,
  viewSubmissionPayload,
  withGeneratedIds,
} from './slack/payloads';
import { signSlackRequest } from './slack/signing';

/** A member of the local workspace, as the page's user picker shows them. */
export interface LocalUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
}

/** An ephemeral message in the channel, visible to one user. */
export interface LocalEphemeral {
  /** `api:<message_ts>` for chat.postEphemeral, `local:<n>` for command replies. */
  readonly id: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: readonly StandinBlock[];
  readonly via: 'chat.postEphemeral' | 'command response';
}

/** The modal a user has open. */
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
  /** This user's direct messages from the app ("Was this you?"), oldest first, with generated ids. */
  readonly directMessages: readonly StandinMessage[];
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
    this.name = new.target.name;
  }
}

/** Options of {@link createLocalWorkspace}. */
export interface LocalWorkspaceOptions {
  readonly slack: SlackStandin;
  /** The app's Slack endpoint (Request URL of commands and interactivity). */
  readonly appUrl: string;
  readonly signingSecret: string;
  readonly channel: PayloadChannel;
  readonly users: readonly LocalUser[];
  /** The slash command the app registers, e.g. `/infrawatch`. */
  readonly command: string;
  /**
   * The response_url every command and click carries, as Slack's do. InfraWatch answers through `ack` and the Web
   * API and never posts to it, so nothing serves it: a POST there would fail loudly, not pass unnoticed.
   */
  readonly responseUrl: string;
  /** Resolves once work the app started asynchronously (EventBridge deliveries) is done. */
  readonly settle?: () => Promise<void>;
  readonly clock?: () => number;
}

/** A click on an element of a channel message, as the page reports it. */
export interface MessageClick {
  /** Where the message is: the channel (default), or the user's direct messages with the app. */
  readonly conversation?: 'channel' | 'dm';
  readonly ts: string;
  readonly path: ElementPath;
  readonly actionId: string;
  readonly selected: readonly string[];
}

/** The local Slack around the app. */
export interface LocalWorkspace {
  /** What `userId` (default: the first user) sees. */
  state(userId?: string): WorkspaceState;
  runCommand(userId: string, text: string): Promise<InteractionResult>;
  clickElement(userId: string, click: MessageClick): Promise<InteractionResult>;
  submitView(userId: string, viewId: string, inputs: readonly InputValue[]): Promise<InteractionResult>;
  /** Closes a modal (InfraWatch asks for no `view_closed`, so the app is not told). */
  closeView(userId: string, viewId: string): void;
  dismissEphemeral(userId: string, id: string): void;
  /** Adds an entry to the request log (the stack logs what it runs itself: replays, digests). */
  record(entry: ActivityEntry): void;
  /** Reports a failure of background work to the page. */
  reportProblem(problem: string): void;
}

/** Slack shows an error when the app has not answered within 3 seconds. */
const SLACK_TIMEOUT_MS = 3_000;
const ACTIVITY_KEPT = 50;
const PROBLEMS_KEPT = 20;

interface StoredEphemeral extends LocalEphemeral {
  readonly userId: string;
}

interface AppAnswer {
  readonly status: number;
  readonly elapsedMs: number;
  readonly json: Record<string, unknown> | undefined;
  readonly text: string;
}

/** Creates the local Slack around the app at `options.appUrl`. */
export function createLocalWorkspace(options: LocalWorkspaceOptions): LocalWorkspace {
  const { slack, channel } = options;
  const clock = options.clock ?? Date.now;
  const identity = slack.identity;
  const payloadIdentity = { teamId: identity.teamId, teamDomain: identity.teamDomain, appId: identity.appId };
  const closedViews = new Set<string>();
  const viewErrors = new Map<string, Record<string, string>>();
  const ephemerals: StoredEphemeral[] = [];
  const dismissed = new Map<string, Set<string>>();
  const activity: ActivityEntry[] = [];
  const problems: string[] = [];

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

  /** The user's open modal: the latest views.open for them not closed since (InfraWatch never stacks views). */
  const openView = (userId: string): OpenedView | undefined =>
    slack
      .views()
      .filter((v) => v.userId === userId && !closedViews.has(v.view.id))
      .at(-1);

  const viewOf = (userId: string, viewId: string): OpenedView => {
    const found = openView(userId);
    if (found?.view.id !== viewId) throw new LocalWorkspaceError('Stale', 'This modal is no longer open.');
    return found;
  };

  const close = (viewId: string): void => {
    closedViews.add(viewId);
    viewErrors.delete(viewId);
  };

  /** The bot's DM with a user: where "Was this you?" arrives (the stand-in names it `D` + the user id). */
  const dmOf = (userId: string) => ({ id: `D${userId}`, name: 'directmessage' });
  const storedEphemerals = (userId: string): LocalEphemeral[] => {
    const fromApi: LocalEphemeral[] = [
      ...slack.ephemerals({ channel: channel.id, user: userId }),
      ...slack.ephemerals({ channel: dmOf(userId).id, user: userId }),
    ].map((e) => ({
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

  /** A command's answer, which Slack shows to its user only (InfraWatch answers every command ephemerally). */
  const addEphemeral = (userId: string, reply: Record<string, unknown>): void => {
    const blocks = Array.isArray(reply.blocks) ? (reply.blocks as StandinBlock[]) : [];
    ephemerals.push({
      id: `local:${ephemerals.length + 1}`,
      userId,
      ts: slackTimestamp(clock()),
      text: typeof reply.text === 'string' ? reply.text : '',
      ...(blocks.length > 0 ? { blocks: withGeneratedIds(blocks) } : {}),
      via: 'command response',
    });
  };

  const sendToApp = async (body: string, label: string): Promise<AppAnswer> => {
    const started = clock();
    const response = await fetch(options.appUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...signSlackRequest(options.signingSecret, body, Math.floor(clock() / 1000)),
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
  const finish = async (answer: AppAnswer, what: string): Promise<InteractionResult> => {
    await options.settle?.();
    const problem =
      answer.status !== 200
        ? `${what} failed: the app answered HTTP ${answer.status} (Slack shows an error).`
        : answer.elapsedMs > SLACK_TIMEOUT_MS
          ? `${what} took ${answer.elapsedMs} ms; Slack gives up after 3 s and shows the user an error.`
          : undefined;
    return { status: answer.status, elapsedMs: answer.elapsedMs, ...(problem ? { problem } : {}) };
  };

  return {
    record,

    reportProblem(problem) {
      problems.push(problem);
      if (problems.length > PROBLEMS_KEPT) problems.splice(0, problems.length - PROBLEMS_KEPT);
    },

    state(requested) {
      const userId = requested ?? options.users[0]?.id ?? '';
      const me = userOf(userId);
      const top = openView(userId);
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
        directMessages: slack
          .messages(dmOf(userId).id)
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
              errors: viewErrors.get(top.view.id) ?? {},
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
        responseUrl: options.responseUrl,
      });
      const answer = await sendToApp(body, `${command} ${args.trim()}`.trim());
      // A command may be answered with a message (JSON) or with bare text, which Slack shows ephemerally.
      if (answer.status === 200 && (answer.json !== undefined || answer.text !== '')) {
        addEphemeral(userId, answer.json ?? { text: answer.text });
      }
      return finish(answer, command);
    },

    async clickElement(userId, click) {
      const user = userOf(userId);
      const where = click.conversation === 'dm' ? dmOf(userId) : channel;
      const message = slack.message(where.id, click.ts);
      if (!message) throw new LocalWorkspaceError('NotFound', 'That message does not exist.');
      let located: ReturnType<typeof locateElement>;
      try {
        located = locateElement(withGeneratedIds(message.blocks), click.path);
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
      const payload = blockActionsPayload({
        identity: payloadIdentity,
        user,
        channel: where,
        message,
        responseUrl: options.responseUrl,
        action: elementAction(located, click.selected, slackTimestamp(clock())),
        triggerId: slack.issueTriggerId({ userId }),
      });
      const answer = await sendToApp(interactionBody(payload), `block_actions ${located.actionId}`);
      return finish(answer, 'The action');
    },

    async submitView(userId, viewId, inputs) {
      const user = userOf(userId);
      const view = viewOf(userId, viewId);
      const { values, errors } = viewStateValues(withGeneratedIds(view.view.blocks), inputs);
      if (Object.keys(errors).length > 0) {
        // Slack's client checks required inputs and lengths itself; the app never sees such a submission.
        viewErrors.set(view.view.id, errors);
        return { status: null, elapsedMs: 0 };
      }
      const payload = viewSubmissionPayload({
        identity: payloadIdentity,
        user,
        view: view.view,
        values,
        triggerId: slack.issueTriggerId({ userId }),
      });
      const answer = await sendToApp(interactionBody(payload), `view_submission ${view.view.callback_id}`);
      const action = answer.status === 200 ? answer.json?.response_action : undefined;
      // InfraWatch answers a submission with nothing (close the modal) or with `response_action: errors`.
      if (action === 'errors' && isRecord(answer.json?.errors)) {
        const shown = Object.entries(answer.json.errors).map(([blockId, message]) => [
          blockId,
          String(message),
        ]);
        viewErrors.set(view.view.id, Object.fromEntries(shown));
      } else if (action !== undefined) {
        const result = await finish(answer, 'Submitting the form');
        return {
          ...result,
          problem: `The app answered response_action '${String(action)}', which the local Slack does not model.`,
        };
      } else if (answer.status === 200) {
        close(view.view.id);
      }
      return finish(answer, 'Submitting the form');
    },

    closeView(userId, viewId) {
      userOf(userId);
      close(viewOf(userId, viewId).view.id);
    },

    dismissEphemeral(userId, id) {
      userOf(userId);
      const hidden = dismissed.get(userId) ?? new Set<string>();
      hidden.add(id);
      dismissed.set(userId, hidden);
    },
  };
}
