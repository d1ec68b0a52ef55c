import { LeaseLostError } from '../errors';
import type { RenderRepository } from '../ports/renders';
import type { MemoryAlert } from './alerts';
import { clone } from './clone';

export function memoryRenders(alertItems: Map<string, MemoryAlert>): RenderRepository {
  const rendersDue = new Map<string, number>();
  /** The alert, if `owner` holds its render lease. @throws LeaseLostError otherwise. */
  const held = (alertId: string, owner: string): MemoryAlert => {
    const alert = alertItems.get(alertId);
    if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
    return alert;
  };
  return {
    async acquireLease(alertId, owner, nowIso, untilIso) {
      const alert = alertItems.get(alertId);
      if (!alert) return false;
      if (alert.lease && alert.lease.until >= nowIso && alert.lease.owner !== owner) return false;
      alert.lease = { owner, until: untilIso };
      return true;
    },
    async releaseLease(alertId, owner) {
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner === owner) delete alert.lease;
    },
    async markPostAttempt(alertId, owner, atIso) {
      held(alertId, owner).postAttemptAt ??= atIso;
    },
    async markEscalationAttempt(alertId, owner, severity, atIso) {
      held(alertId, owner).escalationAttempt = { severity, at: atIso };
    },
    async markRendered(alertId, owner, rendered) {
      const alert = held(alertId, owner);
      alert.renderedRev = rendered.rev;
      alert.message = clone(rendered.message);
      alert.changeCount = rendered.changeCount;
      alert.headline = rendered.headline;
      alert.notifiedSeverity = rendered.notifiedSeverity;
    },
    async markMessageGone(alertId, owner, atIso) {
      const alert = held(alertId, owner);
      delete alert.message;
      alert.postAttemptAt = atIso;
      alert.messageRemovedAt = atIso;
    },
    async markDue(alertId, rev) {
      rendersDue.set(alertId, rev);
    },
    async due(limit) {
      return [...rendersDue.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .slice(0, limit)
        .map(([alertId, rev]) => ({ alertId, rev }));
    },
    async clearDue(alertId, renderedRev) {
      if ((rendersDue.get(alertId) ?? Infinity) <= renderedRev) rendersDue.delete(alertId);
    },
  };
}
