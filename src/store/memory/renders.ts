import { LeaseLostError } from '../errors';
import type { LeaseOutcome, RenderRepository } from '../ports/renders';
import { type MemoryAlert, publicAlert } from './alerts';
import { clone } from './clone';

export function memoryRenders(alertItems: Map<string, MemoryAlert>): RenderRepository {
  const rendersDue = new Map<string, { rev: number; notBefore?: string }>();
  /** The alert, if `owner` holds its render lease. @throws LeaseLostError otherwise. */
  const held = (alertId: string, owner: string): MemoryAlert => {
    const alert = alertItems.get(alertId);
    if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
    return alert;
  };
  const takeLease = async (
    alertId: string,
    owner: string,
    nowIso: string,
    untilIso: string,
    options: { postAttemptAt?: string } = {},
  ): Promise<LeaseOutcome> => {
    const alert = alertItems.get(alertId);
    if (!alert) return { status: 'not-found' };
    if (alert.lease && alert.lease.until >= nowIso && alert.lease.owner !== owner)
      return { status: 'busy', alert: publicAlert(alert) };
    const before = publicAlert(alert);
    alert.lease = { owner, until: untilIso };
    if (options.postAttemptAt !== undefined) alert.postAttemptAt ??= options.postAttemptAt;
    return { status: 'held', alert: before };
  };
  return {
    takeLease,
    async acquireLease(alertId, owner, nowIso, untilIso) {
      return (await takeLease(alertId, owner, nowIso, untilIso)).status === 'held';
    },
    async renewLease(alertId, owner, untilIso) {
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner !== owner) return false;
      alert.lease.until = untilIso;
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
    async markRendered(alertId, owner, rendered, options = {}) {
      const alert = held(alertId, owner);
      alert.renderedRev = rendered.rev;
      alert.message = clone(rendered.message);
      alert.changeCount = rendered.changeCount;
      alert.headline = rendered.headline;
      alert.notifiedSeverity = rendered.notifiedSeverity;
      if (rendered.summary) {
        alert.summary = clone(rendered.summary.value);
        alert.pendingLines = (alert.pendingLines ?? []).slice(rendered.summary.folded);
      }
      const released = options.release === true && alert.rev === rendered.rev;
      if (released) delete alert.lease;
      return { alert: publicAlert(alert), released };
    },
    async markMessageGone(alertId, owner, atIso) {
      const alert = held(alertId, owner);
      delete alert.message;
      alert.postAttemptAt = atIso;
      alert.messageRemovedAt = atIso;
    },
    async markDue(alertId, rev, _atIso, options = {}) {
      rendersDue.set(
        alertId,
        options.notBefore === undefined ? { rev } : { rev, notBefore: options.notBefore },
      );
    },
    async due(limit, nowIso) {
      return [...rendersDue.entries()]
        .filter(([, mark]) => mark.notBefore === undefined || mark.notBefore <= nowIso)
        .sort(([a], [b]) => a.localeCompare(b))
        .slice(0, limit)
        .map(([alertId, { rev }]) => ({ alertId, rev }));
    },
    async clearDue(alertId, renderedRev) {
      if ((rendersDue.get(alertId)?.rev ?? Infinity) <= renderedRev) rendersDue.delete(alertId);
    },
  };
}
