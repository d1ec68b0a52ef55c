import { LeaseLostError } from '../errors';
import type { AlertRecord } from '../ports';
import type { DueEscalationStep, EscalationStepRepository } from '../ports/escalation-steps';

/** What the memory adapter keeps of an alert that this repository reads and writes. */
type EscalatingAlert = Pick<AlertRecord, 'rev' | 'acknowledgement' | 'escalation'> & {
  lease?: { owner: string; until: string };
};

const dueKey = (entry: DueEscalationStep) => `${entry.dueAt}#${entry.alertId}`;

/** The in-memory escalation steps, on the memory store's alert items (every method atomic). */
export function memoryEscalationSteps(alertItems: Map<string, EscalatingAlert>): EscalationStepRepository {
  const due = new Map<string, DueEscalationStep>();
  const held = (alertId: string, owner: string): EscalatingAlert => {
    const alert = alertItems.get(alertId);
    if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
    return alert;
  };
  const repository: EscalationStepRepository = {
    async schedule(alertId, dueAt) {
      const alert = alertItems.get(alertId);
      if (!alert || alert.acknowledgement) return undefined;
      alert.escalation ??= { nextStep: 1, dueAt, sent: [] };
      const state = alert.escalation;
      if (state.nextStep === 1 && state.sent.length === 0)
        due.set(dueKey({ alertId, dueAt: state.dueAt }), { alertId, dueAt: state.dueAt });
      return structuredClone(state);
    },
    async expedite(alertId, dueAt) {
      const alert = alertItems.get(alertId);
      if (!alert || alert.acknowledgement) return undefined;
      const state = alert.escalation;
      if (
        state &&
        state.nextStep === 1 &&
        state.sent.length === 0 &&
        !state.attemptAt &&
        state.dueAt > dueAt
      ) {
        due.delete(dueKey({ alertId, dueAt: state.dueAt }));
        state.dueAt = dueAt;
        due.set(dueKey({ alertId, dueAt }), { alertId, dueAt });
        return structuredClone(state);
      }
      return state ? structuredClone(state) : await repository.schedule(alertId, dueAt);
    },
    async due(nowIso, limit) {
      return [...due.entries()]
        .filter(([, entry]) => entry.dueAt <= nowIso)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, limit)
        .map(([, entry]) => ({ ...entry }));
    },
    async claim(alertId, owner, step, atIso) {
      const alert = held(alertId, owner);
      const state = alert.escalation;
      if (alert.acknowledgement || state?.nextStep !== step) return { status: 'stale' };
      const earlier = state.attemptAt;
      state.attemptAt ??= atIso;
      return earlier === undefined ? { status: 'claimed' } : { status: 'claimed', earlierAttemptAt: earlier };
    },
    async recordSent(alertId, owner, sent, next) {
      const alert = held(alertId, owner);
      const state = alert.escalation;
      if (state?.nextStep !== sent.step) throw new LeaseLostError(alertId);
      const previous = state.dueAt;
      state.sent.push(structuredClone(sent));
      state.nextStep = sent.step + 1;
      if (next) state.dueAt = next.dueAt;
      delete state.attemptAt;
      alert.rev += 1;
      if (next) due.set(dueKey({ alertId, dueAt: next.dueAt }), { alertId, dueAt: next.dueAt });
      due.delete(dueKey({ alertId, dueAt: previous }));
    },
    async stop(alertId) {
      const state = alertItems.get(alertId)?.escalation;
      if (!state) return;
      state.nextStep = Number.MAX_SAFE_INTEGER;
      due.delete(dueKey({ alertId, dueAt: state.dueAt }));
    },
    async deleteDue(entry) {
      due.delete(dueKey(entry));
    },
  };
  return repository;
}
