/**
 * views.open, the only views method InfraWatch calls (Investigate, Acknowledge with note): a modal needs a fresh
 * trigger_id, and Slack refuses a view that breaks Block Kit's rules.
 */
import { randomBytes } from 'node:crypto';
import { invalidArguments, type MethodHandler, optionalString, SlackMethodError } from './args';
import { formatIssue, validateModalView } from './block-kit';
import type { StandinState } from './state';
import type { StandinBlock, StandinText, StandinView } from './types';

export function viewsMethods(state: StandinState): Record<string, MethodHandler> {
  const { identity } = state;
  return {
    'views.open': (args) => {
      const triggerId = optionalString(args, 'trigger_id') ?? optionalString(args, 'interactivity_pointer');
      if (!triggerId) throw invalidArguments('missing required field: trigger_id');
      const payload = args.view;
      if (payload === undefined || payload === null || payload === '')
        throw invalidArguments('missing required field: view');
      if (typeof payload === 'string') throw invalidArguments('failed to parse view as JSON', '/view');
      const issues = validateModalView(payload).map(formatIssue);
      if (issues.length > 0) {
        // Slack reports a bad view as invalid_arguments, not invalid_blocks.
        throw new SlackMethodError('invalid_arguments', {
          response_metadata: { messages: issues.map((issue) => `[ERROR] ${issue}`) },
        });
      }
      const userId = state.useTrigger(triggerId);
      const view = payload as Record<string, unknown>;
      const text = (name: string): StandinText | null =>
        view[name] ? (structuredClone(view[name]) as StandinText) : null;
      const str = (name: string): string => (typeof view[name] === 'string' ? view[name] : '');
      const opened: StandinView = {
        id: state.nextViewId(),
        team_id: identity.teamId,
        type: str('type'),
        title: structuredClone(view.title) as StandinText,
        blocks: structuredClone(view.blocks) as StandinBlock[],
        close: text('close'),
        submit: text('submit'),
        private_metadata: str('private_metadata'),
        callback_id: str('callback_id'),
        state: { values: {} },
        hash: `${Math.floor(state.clock() / 1000)}.${randomBytes(4).toString('hex')}`,
        app_id: identity.appId,
        bot_id: identity.botId,
      };
      state.views.push({ view: opened, userId, openedAt: state.clock() });
      return { view: structuredClone(opened) };
    },
  };
}
