import { actorKeyOf } from '../changes/actor-key';
import {
  alertIdFor,
  type BurstPolicy,
  burstKey,
  DEFAULT_BURST_POLICY,
  planBursts,
  toLine,
} from '../changes/burst';
import type { ChangeLine } from '../model/alert';
import type { Change } from '../model/change';
import type {
  AlertRecord,
  AlertSeed,
  BurstGroup,
  Delivery,
  RoutingConfig,
  StoredChange,
} from '../store/ports';
import { type ActorAskDeps, askActor } from './actor-check';
import { type RenderFinisher, renderNowOrLater } from './coalesce-renders';
import { scheduleEscalation } from './escalation-steps';
import type { AlertDeps } from './ports';
import { describeMute, routeChange } from './routing';
import { syncAlertMessage, type WrittenAlert } from './sync-alert';

export interface RecordChangesDeps extends AlertDeps {
  policy?: BurstPolicy;
  /** Divides escalation waits (the local stack's short escalations); see EscalationDeps. */
  escalationTimeScale?: number;
  /** Subscribed to `all` the first time the table is used (deploy-time setting). */
  defaultChannel?: string;
  accountAliases?: Readonly<Record<string, string>>;
  /** Told about every change stored for the first time (the heartbeat's last-seen, the digest's counts). */
  activity?: ActivityRecorder;
  /**
   * Renders the alerts whose windows are open, later (coalesce-renders.ts); without it every touched alert
   * is rendered by this call (reconciliation, tests that watch one invocation).
   */
  finisher?: RenderFinisher;
  /** The render windows (default RENDER_WINDOWS_MS). */
  renderWindowsMs?: readonly number[];
  /** How long after its window a lost finisher's render is repaired (default RENDER_REPAIR_AFTER_MS). */
  renderRepairAfterMs?: number;
  /** "Was this you?": how actors are found and asked; unset, nobody is asked. */
  ask?: ActorAskDeps;
}

/** A change the store holds after this call: `isNew` when this call stored it. */
export interface RecordedChange {
  change: Change;
  recovered: boolean;
  isNew: boolean;
}

/** What the watched pipeline keeps of the changes recorded (see use-cases/activity.ts). */
export interface ActivityRecorder {
  recorded(changes: readonly RecordedChange[], nowIso: string): Promise<void>;
}

export interface ChangeInput {
  change: Change;
  /** The event as received, kept for the Investigate modal. */
  raw: string;
  /**
   * Found by reconciliation in CloudTrail's event history, never delivered by EventBridge: the alert says so.
   * Only the first recording counts (a later delivery of the same event leaves the line as it is).
   */
  recovered?: boolean;
}

export interface RecordOutcome {
  /** Channels the change was posted (or grouped) to. */
  alerted: string[];
  /** Channels where a mute silenced it. */
  muted: string[];
  /** The change matches watches but no channel subscribes to any of them (stored, surfaced nowhere). */
  unrouted: boolean;
}

/** Per change id: what happened, or the error that makes it worth a retry. */
export type RecordResults = Map<string, { ok: true; outcome: RecordOutcome } | { ok: false; error: unknown }>;

/** How often a burst is re-planned when another worker changed the group concurrently. */
const MAX_GROUP_ATTEMPTS = 5;

interface ChannelBatch {
  channel: string;
  key: string;
  changes: Change[];
  /**
   * What routing already knows of each change's delivery in this channel: the one an earlier attempt made,
   * or null when there can be none (this call stored the change first, so nothing delivered it before).
   * A change missing here has its delivery read.
   */
  known: Map<string, Delivery | null>;
  /** The burst group as read beside the changes' writes (readGroups), for the first plan. */
  group: Promise<GroupRead> | undefined;
}

/** A burst group read ahead, or `failed` (the plan then reads it itself). */
type GroupRead = { group: BurstGroup | undefined } | 'failed';

/**
 * Records changes and brings them to Slack: stores each change once, routes it to subscribed channels,
 * records muted deliveries, groups bursts per (channel, watch, actor) and makes each touched alert message
 * current. Safe under at-least-once delivery: any subset of `inputs` may be a redelivery, concurrently
 * with another worker, and the outcome is one stored change and one message line per channel.
 *
 * Failures are per change (a change fails when any of its channels fails); the caller retries those.
 */
export async function recordChanges(
  inputs: readonly ChangeInput[],
  deps: RecordChangesDeps,
): Promise<RecordResults> {
  const results: RecordResults = new Map();
  const outcomes = new Map<string, RecordOutcome>();
  const failures = new Map<string, unknown>();
  const fail = (ids: Iterable<string>, error: unknown) => {
    for (const id of ids) if (!failures.has(id)) failures.set(id, error);
  };
  const unique = [...new Map(inputs.map((input) => [input.change.id, input])).values()];
  for (const { change } of unique) outcomes.set(change.id, { alerted: [], muted: [], unrouted: false });

  const now = deps.clock.now().toISOString();

  const stored: RecordedChange[] = [];
  /** The changes this call stored first, as stored: nothing earlier can differ from them. */
  const storedFirst = new Map<string, StoredChange>();
  // The configuration is read beside the changes' writes (routing needs it only after they are stored); when
  // it cannot be read, the whole call fails and every change is retried (the writes are idempotent).
  const configRead = loadConfig(deps, now);
  const groupsRead = configRead.then(
    (read) => readGroups(deps, unique, read),
    () => new Map<string, Promise<GroupRead>>(),
  );
  const [config, groups] = await Promise.all([
    configRead,
    groupsRead,
    ...unique.map(async ({ change, raw, recovered }) => {
      try {
        const record: StoredChange = { change, raw, receivedAt: now };
        const isNew = await deps.store.changes.save(record);
        stored.push({ change, recovered: recovered === true, isNew });
        if (isNew) storedFirst.set(change.id, record);
      } catch (error) {
        fail([change.id], error);
      }
    }),
  ]);
  // Bookkeeping of the watched pipeline, beside routing and rendering: a failure here retries the changes (the
  // retry finds their alerts done, or finishes them) and notes the activity again; only the counts, which count
  // a change when it is first stored, may then fall short (never double).
  const bookkeeping =
    deps.activity && stored.length > 0
      ? deps.activity.recorded(stored, now).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      : undefined;
  const recoveredIds = new Set(unique.filter((input) => input.recovered).map((input) => input.change.id));
  const lineOf = (change: Change): ChangeLine =>
    recoveredIds.has(change.id) ? { ...toLine(change), recovered: true } : toLine(change);

  // Route every stored change; muted deliveries are recorded here, the rest are batched per burst key.
  // A delivery made by an earlier attempt wins over today's routing: a change already given to an alert is
  // finished there even if the channel was muted or unsubscribed since (else it would never be posted).
  const batches = new Map<string, ChannelBatch>();
  const toBatch = (change: Change, channel: string, delivery: Delivery | null) => {
    const key = burstKey(change);
    const id = `${channel}\n${key}`;
    const batch: ChannelBatch = batches.get(id) ?? {
      channel,
      key,
      changes: [],
      known: new Map(),
      group: groups.get(id),
    };
    batch.changes.push(change);
    batch.known.set(change.id, delivery);
    batches.set(id, batch);
  };
  await Promise.all(
    unique
      .filter(({ change }) => !failures.has(change.id))
      .map(async ({ change }) => {
        const outcome = outcomes.get(change.id);
        try {
          // Deliveries are only made after the change is stored: one this call stored first has none yet, so
          // only a redelivery (or a duplicate racing this one) reads what an earlier attempt did.
          const first = storedFirst.has(change.id);
          const earlier = new Map(
            (first ? [] : await deps.store.deliveries.allOf(change.id)).map((d) => [d.channel, d]),
          );
          const routes = routeChange(change, config, deps.accountAliases).filter(
            (route) => !earlier.has(route.channel),
          );
          for (const delivery of earlier.values()) {
            if (delivery.kind === 'alert') toBatch(change, delivery.channel, delivery);
            else outcome?.muted.push(delivery.channel);
          }
          if (outcome && routes.length === 0 && earlier.size === 0 && change.watches.length > 0)
            outcome.unrouted = true;
          for (const route of routes) {
            if (!route.mute) {
              // No delivery here: none could exist yet, or the (consistent) read above found none.
              toBatch(change, route.channel, null);
              continue;
            }
            const delivery = await deps.store.deliveries.claim({
              eventId: change.id,
              channel: route.channel,
              kind: 'muted',
              mute: describeMute(route.mute),
              at: now,
              time: change.time,
            });
            // A concurrent attempt that routed it before the mute may have won the claim: its alert stands.
            if (delivery.kind === 'alert') toBatch(change, route.channel, delivery);
            else outcome?.muted.push(route.channel);
          }
        } catch (error) {
          fail([change.id], error);
        }
      }),
  );

  // Assign to alerts per burst key, then render each touched alert once.
  const touched = new Map<
    string,
    { rev: number; changeIds: string[]; channel: string; renderSoon: boolean }
  >();
  await Promise.all(
    [...batches.values()].map(async (batch) => {
      try {
        for (const [alertId, { rev, changeIds, renderSoon }] of await assignBatch(
          deps,
          batch,
          now,
          lineOf,
          storedFirst,
        )) {
          touched.set(alertId, { rev, changeIds, channel: batch.channel, renderSoon });
        }
      } catch (error) {
        fail(
          batch.changes.map((change) => change.id),
          error,
        );
      }
    }),
  );
  // An alert this call created from changes it stored first: its render needs no read (SyncOptions.written).
  const writtenAlert = (rev: number, changeIds: readonly string[]): WrittenAlert | undefined => {
    const changes = changeIds.map((id) => storedFirst.get(id));
    if (rev !== 1 || !changes.every((c): c is StoredChange => c !== undefined)) return undefined;
    return { lines: changes.map(({ change }) => lineOf(change)), changes };
  };
  await Promise.all(
    [...touched.entries()].map(async ([alertId, { rev, changeIds, channel, renderSoon }]) => {
      try {
        // An alert's first revision is posted at once; a later one may be left to the finisher of the render
        // window a recent render opened (coalesce-renders.ts): it shows these changes within the window. One
        // whose pending lines are filling up is rendered now: the render folds them into its summary.
        const finisher = deps.finisher;
        if (
          finisher &&
          rev > 1 &&
          !renderSoon &&
          (await renderNowOrLater(
            { ...deps, finisher, windowsMs: deps.renderWindowsMs, repairAfterMs: deps.renderRepairAfterMs },
            alertId,
            rev,
          )) === 'later'
        ) {
          for (const id of changeIds) outcomes.get(id)?.alerted.push(channel);
          return;
        }
        await afterRender(
          deps,
          await syncAlertMessage(deps, alertId, rev, { written: writtenAlert(rev, changeIds) }),
          config,
        );
        for (const id of changeIds) outcomes.get(id)?.alerted.push(channel);
      } catch (error) {
        fail(changeIds, error);
      }
    }),
  );

  const booked = await bookkeeping;
  if (booked && !booked.ok)
    fail(
      stored.map(({ change }) => change.id),
      booked.error,
    );

  for (const { change } of unique) {
    const error = failures.get(change.id);
    const outcome = outcomes.get(change.id) ?? { alerted: [], muted: [], unrouted: false };
    results.set(change.id, error === undefined ? { ok: true, outcome } : { ok: false, error });
  }
  return results;
}

/**
 * What follows a render of an alert that changes joined (here, or in the finisher of its render window):
 * posted (or turned) critical, its escalation clock starts now that people can see it; and its actor may be
 * asked "was this you?".
 */
export async function afterRender(
  deps: RecordChangesDeps,
  alert: AlertRecord,
  config: RoutingConfig,
): Promise<void> {
  await scheduleEscalation({ ...deps, timeScale: deps.escalationTimeScale }, alert, config);
  if (deps.ask) await askActor({ ...deps, ask: deps.ask }, alert, config);
}

/**
 * The burst groups the changes' routes lead to (ChannelBatch ids), read as soon as the configuration is,
 * beside the changes' writes. A plan made from a group read this early is as sound as one read later: its
 * save is conditional on the version read, and a group that moved meanwhile is read again and planned anew.
 * A change redelivered to a channel it no longer routes to reads its group when it is planned.
 */
function readGroups(
  deps: RecordChangesDeps,
  inputs: readonly ChangeInput[],
  config: RoutingConfig,
): Map<string, Promise<GroupRead>> {
  const reads = new Map<string, Promise<GroupRead>>();
  for (const { change } of inputs) {
    const key = burstKey(change);
    for (const route of routeChange(change, config, deps.accountAliases)) {
      const id = `${route.channel}\n${key}`;
      if (route.mute || reads.has(id)) continue;
      reads.set(
        id,
        deps.store.bursts.get(route.channel, key).then(
          (group) => ({ group }),
          () => 'failed' as const,
        ),
      );
    }
  }
  return reads;
}

async function loadConfig(deps: RecordChangesDeps, now: string): Promise<RoutingConfig> {
  const config = await deps.store.config.load(now);
  if (config.bootstrapped || deps.defaultChannel === undefined) return config;
  await deps.store.config.bootstrap(deps.defaultChannel, now);
  return deps.store.config.load(now);
}

/**
 * Puts a batch of changes (one channel, one burst key) into alerts. Each change's delivery record decides
 * its alert once and for all (first claim wins), so a redelivered change lands in the alert it already had.
 * @returns per alert: the revision that carries the batch's changes, and which changes those are.
 */
async function assignBatch(
  deps: RecordChangesDeps,
  batch: ChannelBatch,
  now: string,
  lineOf: (change: Change) => ChangeLine,
  storedFirst: ReadonlyMap<string, StoredChange>,
): Promise<Map<string, { rev: number; changeIds: string[]; renderSoon: boolean }>> {
  const { channel, key } = batch;
  const policy = deps.policy ?? DEFAULT_BURST_POLICY;
  const assigned = new Map<string, { rev: number; changeIds: string[]; renderSoon: boolean }>();
  /** Lines staged for an alert (stagedKey), which its append need not write again. */
  const staged = new Set<string>();
  const stagedKey = (alertId: string, changeId: string) => `${alertId}\n${changeId}`;
  let pending = batch.changes;

  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === MAX_GROUP_ATTEMPTS) throw new Error(`burst ${channel}/${key} kept changing; retry later`);

    // Changes delivered before keep their alert; only new ones are planned into bursts. The first round
    // takes what routing learnt; a later one (the group moved, or an acknowledgement sent changes on) reads.
    const existing = await Promise.all(
      pending.map(async (change) =>
        attempt === 0 && batch.known.has(change.id)
          ? (batch.known.get(change.id) ?? undefined)
          : deps.store.deliveries.get(change.id, channel),
      ),
    );
    const fresh = pending.filter((_, i) => existing[i] === undefined);
    const targets = new Map<string, Change[]>();
    const target = (alertId: string, change: Change) =>
      targets.set(alertId, [...(targets.get(alertId) ?? []), change]);
    pending.forEach((change, i) => {
      const delivery = existing[i];
      if (delivery?.kind === 'alert') target(delivery.alertId, change);
    });

    if (fresh.length > 0) {
      const early = attempt === 0 ? await batch.group : undefined;
      const group = early && early !== 'failed' ? early.group : await deps.store.bursts.get(channel, key);
      const plan = planBursts(group, fresh, channel, key, policy);
      if (plan.state) {
        const next: BurstGroup = { channel, key, ...plan.state, version: (group?.version ?? 0) + 1 };
        // Optimistic lock: if another worker moved the group since we read it, plan again from its state.
        if (!(await deps.store.bursts.save(next, group))) continue;
      }
      // Independent keys, one conditional put each: side by side, and beside them each segment's lines,
      // staged for the append that follows (a line staged for an alert its change's claim did not get is
      // never part of that alert; the append to the alert it did get writes it there).
      const claims = plan.segments.flatMap((segment) =>
        segment.changes.map(async (change) => ({
          change,
          delivery: await deps.store.deliveries.claim({
            eventId: change.id,
            channel,
            kind: 'alert',
            alertId: segment.alertId,
            at: now,
          }),
        })),
      );
      const staging = plan.segments.map(async ({ alertId, changes }) => {
        await deps.store.alerts.stageLines(alertId, changes.map(lineOf));
        for (const change of changes) staged.add(stagedKey(alertId, change.id));
      });
      const [claimed] = await Promise.all([Promise.all(claims), Promise.all(staging)]);
      // A concurrent duplicate may have claimed one first: its alert wins.
      for (const { change, delivery } of claimed)
        if (delivery.kind === 'alert') target(delivery.alertId, change);
    }

    const retry: Change[] = [];
    // Alerts are independent items: their appends go side by side.
    const appendTo = async (alertId: string, changes: readonly Change[]): Promise<void> => {
      const first = changes[0];
      if (!first) return;
      const seed: AlertSeed = {
        id: alertId,
        channel,
        watch: first.watch,
        actorKey: actorKeyOf(first.actor),
        account: first.account,
        createdAt: now,
      };
      const result = await deps.store.alerts.append(seed, changes.map(lineOf), {
        unseen: changes.every((change) => storedFirst.has(change.id)),
        staged: changes.every((change) => staged.has(stagedKey(alertId, change.id))),
      });
      if (result.status === 'appended') {
        const entry = assigned.get(alertId) ?? { rev: 0, changeIds: [], renderSoon: false };
        assigned.set(alertId, {
          rev: Math.max(entry.rev, result.rev),
          changeIds: [...entry.changeIds, ...changes.map((c) => c.id)],
          renderSoon: entry.renderSoon || result.renderSoon === true,
        });
        return;
      }
      // Acknowledged before these changes arrived: they start a new burst instead of hiding under the ack.
      await deps.store.bursts.close(channel, key, alertId);
      const returned = changes.filter((change) => result.returned.includes(change.id));
      const firstReturned = returned[0];
      if (!firstReturned) return;
      const successor = alertIdFor(channel, `${key}#after#${alertId}`, firstReturned);
      for (const change of returned) {
        await deps.store.deliveries.move(change.id, channel, alertId, successor);
        retry.push(change);
      }
    };
    await Promise.all([...targets].map(([alertId, changes]) => appendTo(alertId, changes)));
    pending = retry;
  }
  return assigned;
}
