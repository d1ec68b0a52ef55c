/** auth.test: how Bolt learns the bot's identity when the app starts. */
import type { MethodHandler } from './args';
import type { StandinIdentity } from './types';

export function authMethods(identity: StandinIdentity): Record<string, MethodHandler> {
  return {
    'auth.test': () => ({
      url: `https://${identity.teamDomain}.slack.com/`,
      team: identity.teamName,
      user: identity.botName,
      team_id: identity.teamId,
      user_id: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      is_enterprise_install: false,
    }),
  };
}
