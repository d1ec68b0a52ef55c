/**
 * users.lookupByEmail and conversations.open: how "Was this you?" finds the person who made a change and
 * opens a direct message with them. Members without an e-mail are never found, as in a workspace that hides it.
 */
import { type MethodHandler, requiredString, SlackMethodError } from './args';
import type { StandinState } from './state';

export function usersMethods(
  state: StandinState,
  users: readonly { readonly id: string; readonly name: string; readonly email?: string }[],
): Record<string, MethodHandler> {
  return {
    'users.lookupByEmail': (args) => {
      const email = requiredString(args, 'email').toLowerCase();
      const user = users.find((u) => u.email?.toLowerCase() === email);
      if (!user) throw new SlackMethodError('users_not_found');
      return { user: { id: user.id, name: user.name, deleted: false, profile: { email: user.email } } };
    },
    /** One user only (a group DM is not something InfraWatch opens). */
    'conversations.open': (args) => {
      const ids = requiredString(args, 'users').split(',');
      const [userId] = ids;
      if (ids.length !== 1 || userId === undefined) throw new SlackMethodError('not_implemented');
      const channel = state.dmChannelOf(userId);
      return { channel: { id: channel.id, is_im: true, user: userId } };
    },
  };
}
