import type { App, BlockButtonAction } from '@slack/bolt';
import type { ActorAnswerKind } from '../../src/model/actor-check';
import { answerActorCheck } from '../../src/use-cases/actor-check';
import { loadAlertContent } from '../../src/use-cases/sync-alert';
import { ACTOR_CHECK_ACTION_IDS, renderActorQuestionAnswered } from '../../src/views';
import { interactionDeps, type SlackAppDeps } from '../slack/deps';

/** Said to anyone but the person asked: only their answer counts. */
export const NOT_ASKED_TEXT =
  'Only the person InfraWatch asked can answer "Was this you?" for this change; nothing was recorded.';

function userNameOf(user: { id: string; username?: string; name?: string }): string {
  return user.username ?? user.name ?? user.id;
}

/**
 * The buttons of the "Was this you?" DM. Bolt's receivers have verified the request's signature before this
 * runs; the button's value is only an alert id, and the answer is accepted only from the user asked (the
 * store's condition), so a forwarded or forged click records nothing.
 */
export function registerActorCheckActions(app: App, deps: SlackAppDeps): void {
  const answer = (kind: ActorAnswerKind) =>
    app.action<BlockButtonAction>(ACTOR_CHECK_ACTION_IDS[kind], async ({ ack, body, action, client }) => {
      await ack();
      const channel = body.channel?.id;
      const tell = async (text: string) => {
        if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
      };
      const result = await answerActorCheck(
        { ...interactionDeps(deps), questions: deps.questions },
        { alertId: action.value ?? '', userId: body.user.id, userName: userNameOf(body.user), answer: kind },
      );
      if (result.status === 'not-found') return await tell('This change is no longer known to InfraWatch.');
      if (result.status === 'not-asked') return await tell(NOT_ASKED_TEXT);
      for (const { what, error } of result.problems)
        deps.log.warn(`Actor answered, but ${what}`, { alertId: result.alert.id, error });
      // The question shows the answer that stands, buttons gone (a second click changes nothing).
      if (channel && body.message?.ts) {
        const content = await loadAlertContent(deps, result.alert);
        const answered = renderActorQuestionAnswered({
          alert: content,
          answer: result.answer,
          accountAlias: deps.accountAliases,
        });
        await client.chat.update({
          channel,
          ts: body.message.ts,
          text: answered.text,
          blocks: answered.blocks,
        });
      }
      const notes = [
        ...(result.status === 'already-answered'
          ? [`You answered already (${result.answer.answer === 'yes' ? 'yes' : 'no'}); that answer stands.`]
          : []),
        ...(result.acknowledged ? ['The alert is acknowledged in your name.'] : []),
        ...result.problems.map((p) => `Note: ${p.what}.`),
      ];
      if (notes.length > 0) await tell(notes.join(' '));
    });
  answer('yes');
  answer('no');
}
