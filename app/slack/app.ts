import { randomUUID } from 'node:crypto';
import type { AuthorizeResult, Receiver } from '@slack/bolt';
// Bolt's package index also loads ExpressReceiver (express), HTTPReceiver and SocketModeReceiver with their
// dependencies: importing App and the errors directly keeps the Lambda bundles free of them (see
// infra/constructs/infrawatch-function.ts for the rest of the trim, and test/app/lambda-bundles.test.ts).
import App, { LogLevel } from '@slack/bolt/dist/App';
import { ErrorCode } from '@slack/bolt/dist/errors';
import type { WebClient } from '@slack/web-api';
import { createEventPublisher, lazyEventBridgeClient } from '../aws/event-publisher';
import { type Config, consoleAccessOf } from '../config';
import { AppError } from '../errors';
import { registerActions } from '../listeners/actions';
import { registerActorCheckActions } from '../listeners/actor-check';
import { registerCommands } from '../listeners/commands';
import { registerViews } from '../listeners/views';
import type { Runtime } from '../runtime';
import { SLACK_TIMEOUTS, slackTransportOptions } from './client';
import type { SlackAppDeps } from './deps';

export class ForeignTeamError extends AppError {
  readonly code = 'ForeignTeam';
  constructor(teamId: string | undefined) {
    super(`requests from Slack team ${teamId ?? '(none)'} are not accepted by this installation`);
  }
}

/**
 * The workspace this installation serves. Deployed, it comes from configuration (`SLACK_TEAM_ID`, set by the
 * stack), so a cold start makes no Slack call at all; otherwise (the Socket Mode entry against a workspace
 * named only by its tokens) auth.test asks Slack once per container.
 *
 * The bot's own ids (`botId`, `botUserId`) are not needed: Bolt uses them only to drop Events API events the
 * bot caused itself (`ignoreSelf`), and InfraWatch listens to commands, actions and views, never to events.
 */
export async function installationTeam(config: Config, client: WebClient): Promise<string | undefined> {
  if (config.SLACK_TEAM_ID !== undefined) return config.SLACK_TEAM_ID;
  return (await client.auth.test()).team_id;
}

/** Every listener, registered in one place. */
export function registerListeners(app: App, deps: SlackAppDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerActorCheckActions(app, deps);
  registerViews(app, deps);
  // biome-ignore lint/suspicious/useAwait: Bolt awaits the handler; async makes the rethrow a rejection, as Bolt expects.
  app.error(async (error) => {
    // A request from another workspace: the HTTP receiver answers 401 when the error is rethrown.
    if (error.code === ErrorCode.AuthorizationError) {
      deps.log.warn('Refused a Slack request', { reason: error.message });
      throw error;
    }
    deps.log.error('Slack listener failed', { error, code: error.code });
  });
}

export function slackAppDeps(runtime: Runtime): SlackAppDeps {
  return {
    store: runtime.store,
    clock: runtime.clock,
    messenger: runtime.messenger,
    render: runtime.render,
    questions: runtime.actorQuestions,
    events: createEventPublisher(
      lazyEventBridgeClient(runtime.config.EVENTBRIDGE_ENDPOINT),
      runtime.config.EVENT_BUS_NAME,
    ),
    catalog: runtime.catalog,
    admins: runtime.config.ADMINS,
    accountAliases: runtime.config.ACCOUNT_ALIASES,
    consoleAccess: consoleAccessOf(runtime.config),
    log: runtime.log,
    newOwner: () => randomUUID(),
  };
}

export interface SlackApp {
  app: App;
  /** The only workspace allowed to call the app: SLACK_TEAM_ID, or else the bot token's own workspace. */
  teamId: string | undefined;
}

/**
 * One Bolt app definition, served by whichever receiver the entry point gives: AwsLambdaReceiver (Lambda),
 * HTTPReceiver (local stack), or Socket Mode (SLACK_APP_TOKEN). Requests signed by Slack but sent from another
 * workspace than the configured one are refused by `authorize`, before any listener runs.
 */
export async function createSlackApp(
  runtime: Runtime,
  transport: { receiver: Receiver } | { socketMode: true; appToken: string },
  deps: SlackAppDeps = slackAppDeps(runtime),
): Promise<SlackApp> {
  const config: Config = runtime.config;
  const teamId = await installationTeam(config, runtime.slack.general);
  const authorized: AuthorizeResult = { botToken: runtime.secrets.botToken, ...(teamId ? { teamId } : {}) };
  const app = new App({
    ...transport,
    ...('socketMode' in transport && runtime.secrets.signingSecret
      ? { signingSecret: runtime.secrets.signingSecret }
      : {}),
    // biome-ignore lint/suspicious/useAwait: Bolt awaits authorize; async makes the ForeignTeamError a rejection.
    authorize: async (source) => {
      if (teamId !== undefined && source.teamId !== teamId) throw new ForeignTeamError(source.teamId);
      // A copy: Bolt writes the request's user and team into the object it gets.
      return { ...authorized };
    },
    // Listener calls must fit Slack's 3-second answer budget (the Lambda receiver answers after the listener):
    // short timeout, 429 thrown at once, no retries (a retried post after a timeout could post twice).
    clientOptions: slackTransportOptions(
      {
        ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
        metrics: runtime.metrics,
        timeoutMs: SLACK_TIMEOUTS.interactive,
      },
      0,
    ),
    // Refusals and listener errors are logged by InfraWatch itself, with context.
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
  });
  registerListeners(app, deps);
  await app.init();
  return { app, teamId };
}
