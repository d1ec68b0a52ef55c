import type { AlertRepository } from '../ports/alerts';
import {
  REVIEW_PAGE_SIZE,
  type ReviewedAlert,
  type ReviewRepository,
  type StatsAlert,
} from '../ports/review';
import { type MemoryAlert, publicAlert } from './alerts';

/** Alerts by creation time from the memory store's alert items, in pages like the DynamoDB adapter's. */
export function memoryReview(
  alertItems: Map<string, MemoryAlert>,
  alerts: AlertRepository,
): ReviewRepository {
  async function* pages(
    range: Parameters<ReviewRepository['alerts']>[0],
    pageSize = REVIEW_PAGE_SIZE,
  ): AsyncGenerator<ReviewedAlert[]> {
    const ids = [...alertItems.values()]
      .filter(
        (alert) =>
          alert.createdAt >= range.fromIso &&
          alert.createdAt.slice(0, range.toIso.length) <= range.toIso &&
          (range.channel === undefined || alert.channel === range.channel),
      )
      .map((alert) => `${alert.createdAt}#${alert.id}`)
      .sort();
    const size = Math.min(pageSize, REVIEW_PAGE_SIZE);
    for (let i = 0; i < ids.length; i += size) {
      const page: ReviewedAlert[] = [];
      for (const key of ids.slice(i, i + size)) {
        const alert = alertItems.get(key.slice(key.lastIndexOf('#') + 1));
        if (alert === undefined) continue;
        page.push({ ...publicAlert(alert), lineCount: (await alerts.lines(alert.id)).length });
      }
      yield page;
    }
  }
  /** As the by-channel index holds them: the shown change count, the steps sent, the actor's answer. */
  async function* statsAlerts(
    range: Parameters<ReviewRepository['statsAlerts']>[0],
  ): AsyncGenerator<StatsAlert[]> {
    const entries: StatsAlert[] = [];
    for await (const page of pages(range)) {
      for (const alert of page) {
        const { id, watch, severity, createdAt, acknowledgement, changeCount, escalation, actorCheck } =
          alert;
        entries.push({
          id,
          watch,
          severity,
          createdAt,
          lineCount: changeCount,
          ...(acknowledgement ? { acknowledgement } : {}),
          ...(escalation ? { escalation: { sent: escalation.sent } } : {}),
          ...(actorCheck?.answer ? { actorCheck: { answer: actorCheck.answer } } : {}),
        });
      }
    }
    if (entries.length > 0) yield entries;
  }

  return { alerts: pages, statsAlerts };
}
