import { randomUUID } from 'node:crypto';
import type { AuthorizeResult, Receiver } from '@slack/bolt';
// Bolt's package index also loads ExpressReceiver (express), HTTPReceiver and SocketModeReceiver with their
// dependencies: importing App and the errors directly keeps the Lambda bundles free of them (see
// infra/constructs/infrawatch-function.ts for the rest of the trim, and test/app/lambda-bundles.test.ts).
import App, { LogLevel } from '@slack/bolt/dist/App';
import { ErrorCode } from '@slack/bolt/dist/errors';
import type { WebClient } from '@slack/web-api';
import { createEventPublisher, lazyEventBridgeClient } from '../aws/event-publisher';
import type { Config } from '../config';
import { registerActions } from '../listeners/actions';
import { registerCommands } from '../listeners/commands';
import { registerViews } from '../listeners/views';
import type { Runtime } from '../runtime';
import type { SlackAppDeps } from './deps';

export class ForeignTeamError extends Error {
  readonly code = 'ForeignTeam';
  constructor(teamId: string | undefined) {
    super(`requests from Slack team ${teamId ?? '(none)'} are not accepted by this installation`);
  }
}

/** The bot's identity, from auth.test once per container (Bolt would otherwise ask on every request). */
export async function botIdentity(client: WebClient): Promise<AuthorizeResult> {
  const auth = await client.auth.test();
  return {
    ...(auth.bot_id ? { botId: auth.bot_id } : {}),
    ...(auth.user_id ? { botUserId: auth.user_id } : {}),
    ...(auth.team_id ? { teamId: auth.team_id } : {}),
  };
}

/** Every listener, registered in one place. */
export function registerListeners(app: App, deps: SlackAppDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  app.error(async (error) => {
    // A request from another workspace: the HTTP receiver answers 401 when the error is rethrown.
    if (error.code === ErrorCode.AuthorizationError) {
      deps.log.warn('Refused a Slack request', { reason: error.message });
      throw error;
    }
    deps.log.error('Slack listener failed', { error: String(error), code: error.code });
  });
}

export function slackAppDeps(runtime: Runtime): SlackAppDeps {
  return {
    store: runtime.store,
    clock: runtime.clock,
    messenger: runtime.messenger,
    render: runtime.render,
    events: createEventPublisher(
      lazyEventBridgeClient(runtime.config.EVENTBRIDGE_ENDPOINT),
      runtime.config.EVENT_BUS_NAME,
    ),
    catalog: runtime.catalog,
    admins: runtime.config.ADMINS,
    accountAliases: runtime.config.ACCOUNT_ALIASES,
    log: runtime.log,
    newOwner: () => randomUUID(),
  };
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
): Promise<App> {
  const config: Config = runtime.config;
  const identity = await botIdentity(runtime.slack.general);
  const teamId = config.SLACK_TEAM_ID ?? (identity.teamId as string | undefined);
  const app = new App({
    ...transport,
    ...('socketMode' in transport && runtime.secrets.signingSecret
      ? { signingSecret: runtime.secrets.signingSecret }
      : {}),
    authorize: async (source) => {
      if (teamId !== undefined && source.teamId !== teamId) throw new ForeignTeamError(source.teamId);
      return { botToken: runtime.secrets.botToken, ...identity };
    },
    // Listener calls must fit Slack's 3-second answer budget (the Lambda receiver answers after the listener):
    // short timeout, 429 thrown at once, no retries (a retried post after a timeout could post twice).
    clientOptions: {
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      timeout: 2_500,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
    // Refusals and listener errors are logged by InfraWatch itself, with context.
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
  });
  registerListeners(app, deps);
  await app.init();
  return app;
}
