import type { ActorCheckState } from '../../model/actor-check';
import { LeaseLostError } from '../errors';
import type { ActorCheckRepository } from '../ports/actor-checks';
import { type MemoryAlert, publicAlert } from './alerts';
import { clone } from './clone';

/** The in-memory "Was this you?" state, on the memory store's alert items (every method atomic). */
export function memoryActorChecks(alertItems: Map<string, MemoryAlert>): ActorCheckRepository {
  const held = (alertId: string, owner: string): MemoryAlert => {
    const alert = alertItems.get(alertId);
    if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
    return alert;
  };
  const set = (alert: MemoryAlert, state: ActorCheckState) => {
    alert.actorCheck = clone(state);
  };
  return {
    async claimAsk(alertId, owner, userId, atIso) {
      const alert = held(alertId, owner);
      const before = alert.actorCheck;
      if (!before) {
        set(alert, { userId, askedAt: atIso });
        return { status: 'claimed' };
      }
      if (before.userId !== userId) return { status: 'asked-someone-else', userId: before.userId };
      if (before.dm) return { status: 'sent', dm: clone(before.dm) };
      return { status: 'claimed', earlierAttemptAt: before.askedAt };
    },
    async recordAsked(alertId, owner, dm) {
      const alert = held(alertId, owner);
      if (!alert.actorCheck) throw new LeaseLostError(alertId);
      set(alert, { ...alert.actorCheck, dm });
    },
    async recordAnswer(alertId, answer) {
      const alert = alertItems.get(alertId);
      if (!alert) return { status: 'not-found' };
      const state = alert.actorCheck;
      if (state?.userId !== answer.userId) return { status: 'not-asked', askedUserId: state?.userId ?? '' };
      if (state.answer)
        return { status: 'already-answered', answer: clone(state.answer), alert: publicAlert(alert) };
      set(alert, { ...state, answer });
      if (answer.answer === 'no') {
        alert.severities.add('critical');
        alert.notifiedSeverity = 'critical';
      }
      alert.rev += 1;
      return { status: 'recorded', alert: publicAlert(alert) };
    },
    async claimNotice(alertId, owner, atIso) {
      const alert = held(alertId, owner);
      const state = alert.actorCheck;
      if (!state?.answer || state.noticedAt) return { status: 'done' };
      const earlier = state.noticeAttemptAt;
      if (earlier === undefined) set(alert, { ...state, noticeAttemptAt: atIso });
      return earlier === undefined ? { status: 'claimed' } : { status: 'claimed', earlierAttemptAt: earlier };
    },
    async recordNoticed(alertId, owner, atIso) {
      const alert = held(alertId, owner);
      if (!alert.actorCheck?.answer) throw new LeaseLostError(alertId);
      set(alert, { ...alert.actorCheck, noticedAt: atIso });
    },
  };
}
