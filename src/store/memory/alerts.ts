import type { ChangeLine } from '../../model/alert';
import type { Severity } from '../../model/severity';
import { summaryLine } from '../../views/burst-summary';
import {
  type AlertRecord,
  type AlertRepository,
  PENDING_LINES_MAX,
  PENDING_RENDER_AT,
} from '../ports/alerts';
import { clone } from './clone';

/** An alert as the memory store keeps it: severities as a set (appends only raise it), and its lease. */
export interface MemoryAlert extends AlertRecord {
  severities: Set<Severity>;
  lease?: { owner: string; until: string };
}

/** The alert as the port returns it (what a DynamoDB item decodes to). */
export function publicAlert(alert: MemoryAlert): AlertRecord {
  const { severities, lease: _lease, ...rest } = alert;
  const severity: Severity = severities.has('critical')
    ? 'critical'
    : severities.has('warning')
      ? 'warning'
      : 'info';
  return clone({ ...rest, severity });
}

/** `alertItems` is shared with the render repository: the lease and render state live on the alert. */
export function memoryAlerts(alertItems: Map<string, MemoryAlert>): AlertRepository {
  const alertLines = new Map<string, Map<string, ChangeLine>>();
  return {
    // The memory store's append is atomic: a staged line has nothing to be ahead of.
    async stageLines() {},
    async append(seed, lines) {
      const stored = alertLines.get(seed.id) ?? new Map<string, ChangeLine>();
      alertLines.set(seed.id, stored);
      const fresh = lines.filter((line) => !stored.has(line.id));
      const alert = alertItems.get(seed.id);
      if (alert?.acknowledgement) return { status: 'acknowledged', returned: fresh.map((line) => line.id) };
      if (alert && fresh.length === 0) return { status: 'appended', rev: alert.rev };
      for (const line of fresh) stored.set(line.id, clone(line));
      const target: MemoryAlert = alert ?? {
        ...clone(seed),
        rev: 0,
        renderedRev: 0,
        severity: 'info',
        severities: new Set(),
        changeCount: 0,
        headline: '',
      };
      for (const line of fresh) target.severities.add(line.severity);
      const pending = target.pendingLines ?? [];
      const room = pending.length + fresh.length <= PENDING_LINES_MAX;
      if (room) target.pendingLines = [...pending, ...fresh.map((line) => clone(summaryLine(line)))];
      const renderSoon = !room || (target.pendingLines?.length ?? 0) >= PENDING_RENDER_AT;
      target.lineCount = stored.size;
      target.rev += 1;
      alertItems.set(seed.id, target);
      return { status: 'appended', rev: target.rev, ...(renderSoon ? { renderSoon } : {}) };
    },
    async get(alertId) {
      const alert = alertItems.get(alertId);
      return alert && publicAlert(alert);
    },
    async lines(alertId) {
      return clone([...(alertLines.get(alertId)?.values() ?? [])]);
    },
    async getWithLines(alertId) {
      const alert = alertItems.get(alertId);
      return (
        alert && { alert: publicAlert(alert), lines: clone([...(alertLines.get(alertId)?.values() ?? [])]) }
      );
    },
    async acknowledge(alertId, acknowledgement, options = {}) {
      const alert = alertItems.get(alertId);
      if (!alert || (options.channel !== undefined && alert.channel !== options.channel))
        return { status: 'not-found' };
      if (alert.acknowledgement)
        return { status: 'already-acknowledged', acknowledgement: clone(alert.acknowledgement) };
      if (
        alert.renderedRev !== alert.rev ||
        (options.shownRev !== undefined && options.shownRev !== alert.rev)
      )
        return { status: 'changed', alert: publicAlert(alert) };
      alert.acknowledgement = clone(acknowledgement);
      delete alert.investigation;
      alert.rev += 1;
      return {
        status: 'acknowledged',
        alert: publicAlert(alert),
        lineIds: [...(alertLines.get(alertId)?.keys() ?? [])],
      };
    },
    async investigate(alertId, investigation) {
      const alert = alertItems.get(alertId);
      if (!alert) return undefined;
      if (!alert.acknowledgement) {
        alert.investigation = clone(investigation);
        alert.rev += 1;
      }
      return publicAlert(alert);
    },
    async listOpen(channel, sinceIso) {
      return [...alertItems.values()]
        .filter((alert) => alert.channel === channel && !alert.acknowledgement && alert.createdAt >= sinceIso)
        .sort((a, b) => `${a.createdAt}#${a.id}`.localeCompare(`${b.createdAt}#${b.id}`))
        .map((alert) => {
          const {
            rev: _rev,
            renderedRev: _rendered,
            postAttemptAt: _post,
            escalationAttempt: _escalation,
            messageRemovedAt: _removed,
            acknowledgement: _ack,
            ...open
          } = publicAlert(alert);
          return open;
        });
    },
  };
}
