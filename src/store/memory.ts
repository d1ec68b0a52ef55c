import { actorKeyOf } from '../changes/actor-key';
import { toLine } from '../changes/burst';
import type { ChangeLine } from '../model/alert';
import type { EscalationSetting } from '../model/escalation-policy';
import type { Severity } from '../model/severity';
import { LeaseLostError } from './errors';
import { keys } from './keys';
import { memoryEscalationSteps } from './memory/escalation-steps';
import type {
  AlertRecord,
  AlertRepository,
  BurstGroup,
  ChangeRepository,
  ConfigRepository,
  Delivery,
  Mute,
  RejectedInput,
  Store,
  StoredChange,
  Subscription,
} from './ports';

interface MemoryAlert extends AlertRecord {
  severities: Set<Severity>;
  lease?: { owner: string; until: string };
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory store with the same conditional semantics as the DynamoDB adapter, for fast unit tests of the
 * use cases. The contract suite (test/store/store.contract.ts) runs against it and both DynamoDB engines.
 * Every method is atomic, like a single DynamoDB request: no `await` between its check and its write.
 */
export function createMemoryStore(): Store & { rejected: RejectedInput[] } {
  const changeItems = new Map<string, StoredChange>();
  const rejected: RejectedInput[] = [];
  const subscriptions = new Map<string, Subscription>();
  const mutes = new Map<string, Mute>();
  let bootstrapped = false;
  const escalationSettings = new Map<string, EscalationSetting>();
  const deliveries = new Map<string, Delivery>();
  const groups = new Map<string, BurstGroup>();
  const alertItems = new Map<string, MemoryAlert>();
  const alertLines = new Map<string, Map<string, ChangeLine>>();
  const requestClaims = new Map<string, string>();
  const rendersDue = new Map<string, number>();
  const digestRuns = new Map<
    string,
    {
      state: 'posting' | 'posted';
      leaseUntil: string;
      postAttemptAt?: string;
      listed?: { since: string; until: string };
      messageTs?: string;
      closedAt?: string;
    }
  >();

  const publicAlert = (alert: MemoryAlert): AlertRecord => {
    const { severities, lease, ...rest } = alert;
    const severity: Severity = severities.has('critical')
      ? 'critical'
      : severities.has('warning')
        ? 'warning'
        : 'info';
    return clone({ ...rest, severity });
  };

  const changes: ChangeRepository = {
    async saveChange(record) {
      if (changeItems.has(record.change.id)) return false;
      changeItems.set(record.change.id, clone(record));
      return true;
    },
    async getChange(id) {
      const record = changeItems.get(id);
      return record && clone(record);
    },
    async changesByActor(account, actorKey, fromIso, toIso, limit) {
      return [...changeItems.values()]
        .map((record) => record.change)
        .filter(
          (c) =>
            c.account === account && actorKeyOf(c.actor) === actorKey && c.time >= fromIso && c.time <= toIso,
        )
        .sort((a, b) => (a.time === b.time ? a.id.localeCompare(b.id) : a.time.localeCompare(b.time)))
        .slice(-limit)
        .map(toLine);
    },
    async rejectedBetween(fromIso, toIso, limit) {
      const within = rejected
        .filter((r) => r.at >= fromIso && r.at <= toIso)
        .sort((a, b) => `${a.at}#${a.id}`.localeCompare(`${b.at}#${b.id}`));
      return {
        count: within.length,
        first: within.slice(0, limit).map(({ id, reason, at }) => ({ id, reason: reason.slice(0, 500), at })),
      };
    },
    async saveRejected(input) {
      const index = rejected.findIndex((r) => r.id === input.id);
      if (index >= 0) rejected[index] = clone(input);
      else rejected.push(clone(input));
    },
  };

  const config: ConfigRepository = {
    async load(nowIso) {
      return {
        subscriptions: clone([...subscriptions.values()]),
        mutes: clone([...mutes.values()].filter((mute) => mute.expiresAt > nowIso)),
        bootstrapped,
        escalations: clone([...escalationSettings.values()]),
      };
    },
    async bootstrap(channel, atIso) {
      if (bootstrapped) return false;
      subscriptions.set(`${channel}#all`, { channel, watch: 'all', setBy: 'infrawatch', setAt: atIso });
      bootstrapped = true;
      return true;
    },
    async subscribe(channel, watches, setBy, atIso) {
      for (const watch of watches)
        subscriptions.set(`${channel}#${watch}`, { channel, watch, setBy, setAt: atIso });
    },
    async unsubscribe(channel, watches) {
      for (const watch of watches) subscriptions.delete(`${channel}#${watch}`);
    },
    async putMute(mute) {
      mutes.set(keys.mute(mute.channel, mute.type, mute.value, mute.account).sk, clone(mute));
    },
    async putEscalation(setting) {
      escalationSettings.set(setting.channel, clone(setting));
    },
    async deleteMute(channel, type, value, account) {
      const key = keys.mute(channel, type, value, account).sk;
      const mute = mutes.get(key);
      mutes.delete(key);
      return mute;
    },
    async claimRequest(key, nowIso, untilIso) {
      const until = requestClaims.get(key);
      if (until !== undefined && until >= nowIso) return false;
      requestClaims.set(key, untilIso);
      return true;
    },
    async releaseRequest(key, untilIso) {
      if (requestClaims.get(key) === untilIso) requestClaims.delete(key);
    },
  };

  const alerts: AlertRepository = {
    async claimDelivery(delivery) {
      const key = `${delivery.eventId}#${delivery.channel}`;
      const existing = deliveries.get(key);
      if (existing) return clone(existing);
      deliveries.set(key, clone(delivery));
      return clone(delivery);
    },
    async getDelivery(eventId, channel) {
      const delivery = deliveries.get(`${eventId}#${channel}`);
      return delivery && clone(delivery);
    },
    async deliveriesOf(eventId) {
      return clone([...deliveries.values()].filter((d) => d.eventId === eventId));
    },
    async deliveredIn(channel, eventIds) {
      return new Set(eventIds.filter((id) => deliveries.has(`${id}#${channel}`)));
    },
    async moveDelivery(eventId, channel, fromAlertId, toAlertId) {
      const delivery = deliveries.get(`${eventId}#${channel}`);
      if (delivery?.kind !== 'alert' || delivery.alertId !== fromAlertId) return false;
      delivery.alertId = toAlertId;
      return true;
    },

    async getGroup(channel, key) {
      const group = groups.get(`${channel}#${key}`);
      return group && clone(group);
    },
    async saveGroup(group, expectedVersion) {
      const key = `${group.channel}#${group.key}`;
      const stored = groups.get(key);
      if (expectedVersion === undefined ? stored !== undefined : stored?.version !== expectedVersion)
        return false;
      groups.set(key, clone(group));
      return true;
    },
    async closeGroup(channel, key, alertId) {
      if (groups.get(`${channel}#${key}`)?.alertId === alertId) groups.delete(`${channel}#${key}`);
    },

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
      target.rev += 1;
      alertItems.set(seed.id, target);
      return { status: 'appended', rev: target.rev };
    },
    async getAlert(alertId) {
      const alert = alertItems.get(alertId);
      return alert && publicAlert(alert);
    },
    async lines(alertId) {
      return clone([...(alertLines.get(alertId)?.values() ?? [])]);
    },

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
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
      alert.postAttemptAt ??= atIso;
    },
    async markEscalationAttempt(alertId, owner, severity, atIso) {
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
      alert.escalationAttempt = { severity, at: atIso };
    },
    async markRendered(alertId, owner, rendered) {
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
      alert.renderedRev = rendered.rev;
      alert.message = clone(rendered.message);
      alert.changeCount = rendered.changeCount;
      alert.headline = rendered.headline;
      alert.notifiedSeverity = rendered.notifiedSeverity;
    },

    async markMessageGone(alertId, owner, atIso) {
      const alert = alertItems.get(alertId);
      if (alert?.lease?.owner !== owner) throw new LeaseLostError(alertId);
      delete alert.message;
      alert.postAttemptAt = atIso;
      alert.messageRemovedAt = atIso;
    },
    async markRenderDue(alertId, rev) {
      rendersDue.set(alertId, rev);
    },
    async rendersDue(limit) {
      return [...rendersDue.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .slice(0, limit)
        .map(([alertId, rev]) => ({ alertId, rev }));
    },
    async clearRenderDue(alertId, renderedRev) {
      if ((rendersDue.get(alertId) ?? Infinity) <= renderedRev) rendersDue.delete(alertId);
    },

    async acknowledge(alertId, acknowledgement) {
      const alert = alertItems.get(alertId);
      if (!alert) return { status: 'not-found' };
      if (alert.acknowledgement)
        return { status: 'already-acknowledged', acknowledgement: clone(alert.acknowledgement) };
      if (alert.renderedRev !== alert.rev) return { status: 'changed' };
      alert.acknowledgement = clone(acknowledgement);
      delete alert.investigation;
      alert.rev += 1;
      return { status: 'acknowledged', alert: publicAlert(alert) };
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

    async openAlerts(channel, sinceIso) {
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
    async countMuted(channel, sinceIso) {
      return [...deliveries.values()].filter(
        (d) => d.kind === 'muted' && d.channel === channel && d.time >= sinceIso,
      ).length;
    },
    async claimDigestRun(channel, runKey, nowIso, leaseUntilIso) {
      const key = `${channel}#${runKey}`;
      const run = digestRuns.get(key);
      if (run && (run.state === 'posted' || run.leaseUntil >= nowIso)) return undefined;
      digestRuns.set(key, { ...run, state: 'posting', leaseUntil: leaseUntilIso });
      return run?.postAttemptAt ? { postAttemptAt: run.postAttemptAt } : {};
    },
    async markDigestPostAttempt(channel, runKey, atIso, listed) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (!run) return;
      run.postAttemptAt ??= atIso;
      if (listed && !run.listed) run.listed = { ...listed };
    },
    async recordDigestMessage(channel, runKey, ts) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run) run.messageTs = ts;
    },
    async digestsWithButton(channel) {
      return [...digestRuns.entries()].flatMap(([key, run]) =>
        key.startsWith(`${channel}#`) && run.listed && run.messageTs && !run.closedAt
          ? [{ runKey: key.slice(channel.length + 1), ts: run.messageTs, ...run.listed }]
          : [],
      );
    },
    async closeDigest(channel, runKey, atIso) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run) run.closedAt ??= atIso;
    },
    async completeDigestRun(channel, runKey) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      digestRuns.set(`${channel}#${runKey}`, { ...run, state: 'posted', leaseUntil: '' });
    },
    async releaseDigestRun(channel, runKey) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run?.state === 'posting') run.leaseUntil = '1970-01-01T00:00:00.000Z';
    },
  };

  return { changes, config, alerts, escalationSteps: memoryEscalationSteps(alertItems), rejected };
}
