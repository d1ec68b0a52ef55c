import { bySeverityThenTime } from '../changes/burst';
import {
  type AlertContent,
  type AlertStatus,
  type BurstSummary,
  type ChangeLine,
  changeCountOf,
} from '../model/alert';
import { SEVERITY_RANK } from '../model/severity';
import { LeaseLostError } from '../store/errors';
import type { AlertRecord, AlertWithLines, StoredChange } from '../store/ports';
import { withActorAnswer } from '../views/actor-check';
import { currentSummary, summarizeLines } from '../views/burst-summary';
import { withEscalationSteps } from '../views/escalation-step';
import { UseCaseError } from './errors';
import { type AlertDeps, MessageNotFoundError } from './ports';

/**
 * A render lease is short and kept alive by its holder: renewed every {@link RENEW_EVERY_MS} while the holder
 * works (a Slack call may take longer than the lease: pacing, a Retry-After, a timeout and its retries) and
 * before each Slack call. A holder that dies mid-render (a Lambda timeout, a crash, an outage that keeps it
 * from releasing) blocks its alert for at most LEASE_MS + TAKEOVER_GRACE_MS, far shorter than SQS's
 * visibility timeout, so the redelivery finds the lease free instead of burning a receive. A holder that
 * cannot renew in time loses the lease and cannot record its render (LeaseLostError).
 */
const LEASE_MS = 15_000;
const RENEW_EVERY_MS = 5_000;
/**
 * An expired lease is taken over only this long after it ran out. A holder starts a Slack call only while its
 * lease runs (see {@link renewLease}), so a holder whose process stalled past its lease cannot post while the
 * next one posts too.
 *
 * A send that ends without an answer (the client's timeout, a dropped connection) may still be on its way to
 * Slack, or being handled there, after this worker gave up on it: the history search of the next holder
 * cannot see it yet. Its holder therefore does not release the lease but makes it last LEASE_MS from the
 * failure and lets it run out (see {@link letGo}): nobody searches for the send until LEASE_MS +
 * TAKEOVER_GRACE_MS (27 s) after it was given up, time for it to land. Releasing at once let the next
 * holder search within a second and post again while the first post was still arriving (the duplicates
 * reliability scenario, under load: 13 alerts posted twice).
 */
const TAKEOVER_GRACE_MS = 12_000;
/** What a renewal must leave of the lease for the Slack call it precedes to start in. */
const LEASE_LEFT_FOR_CALL_MS = 5_000;
/** How long a caller waits for another worker's render before leaving it to a retry. */
const WAIT_FOR_RENDER_MS = 5_000;
const POLL_MS = 150;
const MAX_RENDER_ROUNDS = 3;

export class RenderPendingError extends UseCaseError {
  readonly code = 'RenderPending';
  constructor(alertId: string) {
    super(`alert ${alertId} is being rendered by another worker; retry later`);
  }
}

export class AlertNotFoundError extends UseCaseError {
  readonly code = 'AlertNotFound';
  constructor(alertId: string) {
    super(`alert ${alertId} does not exist`);
  }
}

function statusOf(alert: AlertRecord): AlertStatus {
  if (alert.acknowledgement) return 'acknowledged';
  return alert.investigation ? 'investigating' : 'open';
}

/** Everything the views need to render an alert, read from the store. */
export async function loadAlertContent(
  deps: Pick<AlertDeps, 'store'>,
  alert: AlertRecord,
): Promise<AlertContent> {
  return contentOf(deps, alert, await deps.store.alerts.lines(alert.id));
}

/**
 * The alert's content from its lines: one read more, its lead change (the views show its details), unless
 * `known` is that change already.
 */
function contentOf(
  deps: Pick<AlertDeps, 'store'>,
  alert: AlertRecord,
  unsorted: readonly ChangeLine[],
  known: readonly StoredChange[] = [],
): Promise<AlertContent> {
  const lines = [...unsorted].sort(bySeverityThenTime);
  return contentFrom(deps, alert, { lines, summary: summarizeLines(lines) }, known);
}

/**
 * The alert's content from its summary (see currentSummary): no read of its lines, only of its lead change
 * (unless `known` is that change already).
 */
async function contentFrom(
  deps: Pick<AlertDeps, 'store'>,
  alert: AlertRecord,
  { lines, summary }: { lines: ChangeLine[]; summary: BurstSummary },
  known: readonly StoredChange[],
): Promise<AlertContent> {
  const leadId = summary.lead?.id;
  if (leadId === undefined) throw new AlertNotFoundError(alert.id);
  const lead = known.find((stored) => stored.change.id === leadId) ?? (await deps.store.changes.get(leadId));
  if (!lead) throw new AlertNotFoundError(alert.id);
  return {
    id: alert.id,
    channel: alert.channel,
    watch: alert.watch,
    lead: lead.change,
    lines,
    summary,
    severity: alert.severity,
    status: statusOf(alert),
    rev: alert.rev,
    ...(alert.acknowledgement ? { acknowledgement: alert.acknowledgement } : {}),
    ...(alert.investigation && !alert.acknowledgement ? { investigation: alert.investigation } : {}),
  };
}

export interface SyncOptions {
  /** How long to wait for another worker's render before throwing RenderPendingError. */
  waitMs?: number;
  /**
   * Read the alert's lines beside taking the lease instead of after it: one round trip less before Slack is
   * called, for a path a person waits on (a click). The read is used only if the lease shows the same
   * revision, and is wasted when another worker holds the lease.
   */
  eager?: boolean;
  /**
   * With `eager`: the alert at `targetRev` and its line ids, when the caller's write returned them (an
   * acknowledgement's does). An alert whose summary is on its record (see currentSummary) needs no read of its
   * lines: only its lead is read beside the lease. An alert of one line has its lead known before its lines
   * are read, so the lead is read beside them.
   */
  known?: { alert: AlertRecord; lineIds: readonly string[] };
  /**
   * What the caller's append wrote, when that append created the alert (its revision 1) and the caller
   * stored every one of its changes (so no earlier attempt wrote these lines): a lease that finds the alert
   * still at revision 1 needs no read of its lines, nor of its lead change.
   */
  written?: WrittenAlert;
}

/** The lines an append created an alert with, and the changes behind them as the caller stored them. */
export interface WrittenAlert {
  lines: readonly ChangeLine[];
  changes: readonly StoredChange[];
}

/** What an eager caller read before holding the lease (see SyncOptions.eager). */
interface EarlyRead {
  read: AlertWithLines | undefined;
  lead?: StoredChange | undefined;
}

/** The eager reads, side by side; a failed one is only a lost shortcut (the holder reads again). */
function readEarly(deps: AlertDeps, alertId: string, options: SyncOptions): Promise<EarlyRead> | undefined {
  if (!options.eager) return undefined;
  const { known } = options;
  const summaryLead = known && currentSummary(known.alert)?.lead?.id;
  if (summaryLead !== undefined) {
    // The render takes the summary from the record the lease write returns: a Query of the alert's lines
    // would be read for nothing (on DynamoDB Local it costs a click as much as its other reads together).
    return deps.store.changes
      .get(summaryLead)
      .catch(() => undefined)
      .then((lead) => ({ read: undefined, lead }));
  }
  const [onlyLine, ...more] = known?.lineIds ?? [];
  const soleLead = onlyLine !== undefined && more.length === 0 ? onlyLine : undefined;
  return Promise.all([
    deps.store.alerts.getWithLines(alertId).catch(() => undefined),
    soleLead === undefined ? undefined : deps.store.changes.get(soleLead).catch(() => undefined),
  ]).then(([read, lead]) => ({ read, lead }));
}

/**
 * Makes the alert's Slack message show revision `targetRev` or later, posting it on first use.
 *
 * Only the holder of the alert's render lease talks to Slack about it, so two workers never post the same
 * alert twice or overwrite a newer render with an older one. A caller that cannot get the lease waits for the
 * holder's render; when it does not come in time it throws RenderPendingError and its records are retried
 * (SQS), which is what makes a crashed holder harmless.
 */
export async function syncAlertMessage(
  deps: AlertDeps,
  alertId: string,
  targetRev: number,
  options: SyncOptions = {},
): Promise<AlertRecord> {
  const deadline = deps.clock.now().getTime() + (options.waitMs ?? WAIT_FOR_RENDER_MS);
  let early = readEarly(deps, alertId, options);
  for (;;) {
    // The lease write also records the post attempt an alert without a message is about to need.
    const taken = await leaseOf(deps, alertId, { recordPostAttempt: true });
    if (taken.status === 'held') {
      const { lease } = taken;
      const heartbeat = keepLease(deps, lease);
      let released = false;
      try {
        const rendered = await renderWhileBehind(deps, lease, taken.alert, targetRev, {
          early,
          written: options.written,
        });
        released = rendered.released;
        return rendered.alert;
      } finally {
        await heartbeat.stop();
        if (!released) await letGo(deps, lease);
      }
    }
    early = undefined;
    if (taken.status === 'not-found') throw new AlertNotFoundError(alertId);
    // The refused lease came back with the alert: the holder's render may be there already.
    if (taken.alert.message && taken.alert.renderedRev >= targetRev) return taken.alert;
    if (deps.clock.now().getTime() >= deadline) throw new RenderPendingError(alertId);
    await deps.clock.sleep(POLL_MS);
  }
}

/**
 * Runs `work` while holding the alert's render lease (kept alive while it runs), so nothing else talks to
 * Slack about the alert meanwhile; `work` gets the alert as the lease found it. @returns `work`'s result, or
 * `busy` when another worker holds the lease (or the alert does not exist).
 */
export async function withRenderLease<T>(
  deps: AlertDeps,
  alertId: string,
  work: (alert: AlertRecord, holder: string) => Promise<T>,
): Promise<{ status: 'done'; value: T } | { status: 'busy' }> {
  const taken = await leaseOf(deps, alertId);
  if (taken.status !== 'held') return { status: 'busy' };
  const { lease } = taken;
  const heartbeat = keepLease(deps, lease);
  try {
    return { status: 'done', value: await sending(deps, lease, () => work(taken.alert, lease.owner)) };
  } finally {
    await heartbeat.stop();
    await letGo(deps, lease);
  }
}

/**
 * A render lease this worker holds: its owner token, when it last made it last LEASE_MS from then, and whether
 * it was lost.
 */
interface HeldLease {
  alertId: string;
  /**
   * This lease's own token, never another render's: a lease already held by its owner is taken again (a
   * retried write must find it held), so two renders of one alert in one invocation must not share an owner,
   * or both would believe they hold it and both could post.
   */
  owner: string;
  renewedAt: number;
  lost: boolean;
  /** The lease write recorded a post attempt (or kept an earlier one): the store has one. */
  postAttemptRecorded: boolean;
  /** A send failed without an answer and may still land: the lease is left to run out (see {@link letGo}). */
  unsettled: boolean;
}

/** Lease tokens handed out by this process: with the invocation's owner, unique to one render. */
let leaseTokens = 0;

/**
 * Runs a Slack send while holding `lease`. A send that fails without an answer may still reach Slack later
 * (see TAKEOVER_GRACE_MS): the lease is then marked so that it is not released.
 */
async function sending<T>(deps: AlertDeps, lease: HeldLease, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (deps.messenger.mayLandLater?.(error)) lease.unsettled = true;
    throw error;
  }
}

/**
 * Gives the lease up after a render that did not release it with its last write: released, unless a send may
 * still land, then made to last LEASE_MS from now and left to run out (taken over TAKEOVER_GRACE_MS later).
 * Should that extension fail, the lease runs out where its last renewal left it (at least 10 s after a send
 * started: renewLease), still followed by the grace.
 */
async function letGo(deps: AlertDeps, lease: HeldLease): Promise<void> {
  if (!lease.unsettled) return deps.store.renders.releaseLease(lease.alertId, lease.owner);
  await deps.store.renders.renewLease(lease.alertId, lease.owner, leaseUntil(deps)).catch(() => false);
}

const leaseUntil = (deps: AlertDeps) => new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();

/**
 * Takes (or extends) the render lease for LEASE_MS from now: free, expired (for the grace) or already ours.
 * With `recordPostAttempt`, the same write records a post attempt (kept if one is there): see
 * RenderRepository.takeLease.
 */
async function leaseOf(
  deps: AlertDeps,
  alertId: string,
  options: { recordPostAttempt?: boolean } = {},
): Promise<
  | { status: 'held'; alert: AlertRecord; lease: HeldLease }
  | { status: 'busy'; alert: AlertRecord }
  | { status: 'not-found' }
> {
  const now = deps.clock.now();
  leaseTokens += 1;
  const owner = `${deps.owner}#${leaseTokens.toString(36)}`;
  const outcome = await deps.store.renders.takeLease(
    alertId,
    owner,
    new Date(now.getTime() - TAKEOVER_GRACE_MS).toISOString(),
    leaseUntil(deps),
    options.recordPostAttempt ? { postAttemptAt: now.toISOString() } : {},
  );
  if (outcome.status !== 'held') return outcome;
  return {
    ...outcome,
    lease: {
      alertId,
      owner,
      renewedAt: now.getTime(),
      lost: false,
      postAttemptRecorded: options.recordPostAttempt === true,
      unsettled: false,
    },
  };
}

/**
 * Renews the lease unless it was made to last LEASE_MS moments ago. @throws LeaseLostError once it is lost,
 * and when the renewal itself took so long (a stalled process, a slow engine) that too little of the lease is
 * left for a Slack call to start in: another worker may take over soon after it runs out.
 */
async function renewLease(deps: AlertDeps, lease: HeldLease, force = false): Promise<void> {
  if (lease.lost) throw new LeaseLostError(lease.alertId);
  const now = deps.clock.now().getTime();
  if (force || now - lease.renewedAt >= RENEW_EVERY_MS) {
    if (!(await deps.store.renders.renewLease(lease.alertId, lease.owner, leaseUntil(deps)))) {
      lease.lost = true;
      throw new LeaseLostError(lease.alertId);
    }
    lease.renewedAt = now;
  }
  if (deps.clock.now().getTime() - lease.renewedAt > LEASE_MS - LEASE_LEFT_FOR_CALL_MS)
    throw new LeaseLostError(lease.alertId);
}

/**
 * Renews the lease in the background while the holder works. A failed renewal is not an error here: the
 * renewal before the next Slack call (or the conditional write of the render) notices a lost lease. A
 * renewal never takes back a lease that was released meanwhile (it extends only a lease the holder still has).
 */
function keepLease(deps: AlertDeps, lease: HeldLease): { stop(): Promise<void> } {
  let renewal: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = renewal.then(() => renewLease(deps, lease, true)).catch(() => undefined);
  }, RENEW_EVERY_MS);
  // A render in flight must not keep a process alive (a test, a local stack shutting down).
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await renewal;
    },
  };
}

/**
 * Brings the message up to date on a path that nothing retries (a click): when that fails, the alert is
 * marked render-due, and {@link repairDueRenders} (run by every events invocation and by the digest) finishes
 * the job. The error is passed on.
 */
export async function syncOrMarkDue(
  deps: AlertDeps,
  alertId: string,
  targetRev: number,
  options: SyncOptions = {},
): Promise<AlertRecord> {
  try {
    return await syncAlertMessage(deps, alertId, targetRev, options);
  } catch (error) {
    await deps.store.renders.markDue(alertId, targetRev, deps.clock.now().toISOString());
    throw error;
  }
}

/** Render-due alerts one repair pass takes on. */
export const REPAIR_BATCH = 10;

/**
 * Repairs messages that fell behind on a path nothing retries (see {@link syncOrMarkDue}): each marked alert
 * is rendered to its latest revision and its mark cleared. An alert that still fails keeps its mark for the
 * next pass; one whose lease another worker holds is left to that worker (and the next pass).
 * @returns how many were repaired, and the errors of those that were not.
 */
export async function repairDueRenders(
  deps: AlertDeps,
  limit = REPAIR_BATCH,
): Promise<{ repaired: number; failures: { alertId: string; error: unknown }[] }> {
  const due = await deps.store.renders.due(limit, deps.clock.now().toISOString());
  let repaired = 0;
  const failures: { alertId: string; error: unknown }[] = [];
  for (const { alertId, rev } of due) {
    try {
      const alert = await syncAlertMessage(deps, alertId, rev, { waitMs: 0 });
      await deps.store.renders.clearDue(alertId, alert.renderedRev);
      repaired += 1;
    } catch (error) {
      if (error instanceof AlertNotFoundError) await deps.store.renders.clearDue(alertId, rev);
      else failures.push({ alertId, error });
    }
  }
  return { repaired, failures };
}

/**
 * Renders until the message shows the latest revision (changes may land while Slack is being called), starting
 * from the alert as the lease found it. The last render's write releases the lease when nothing newer waits.
 */
async function renderWhileBehind(
  deps: AlertDeps,
  lease: HeldLease,
  leased: AlertRecord,
  targetRev: number,
  known: { early: Promise<EarlyRead> | undefined; written: WrittenAlert | undefined },
): Promise<{ alert: AlertRecord; released: boolean }> {
  const { alertId } = lease;
  // Renewed before every Slack call (unless just taken), so no other worker can take over while it is in flight.
  const renew = () => renewLease(deps, lease);
  let alert: AlertRecord | undefined = leased;
  for (let round = 0; ; round++) {
    let lines: readonly ChangeLine[] | undefined;
    // Changes do not change once stored: what the caller stored can be the lead whatever the revision.
    let stored: readonly StoredChange[] = round === 0 ? (known.written?.changes ?? []) : [];
    if (!alert) ({ alert, lines } = await readAlert(deps, alertId));
    if (alert.message && alert.renderedRev >= alert.rev) return { alert, released: false };
    // Bounded: under a steady stream, later revisions are rendered by the workers that made them.
    if (round === MAX_RENDER_ROUNDS) {
      if (alert.message && alert.renderedRev >= targetRev) return { alert, released: false };
      throw new RenderPendingError(alertId);
    }
    // The last render's summary and the lines appended since are on the alert: no read of its other lines.
    const summary = lines ? undefined : currentSummary(alert);
    if (summary && round === 0) {
      // A lead read beside the lease (see readEarly) holds whatever the revision: changes never change.
      const early = (await known.early)?.lead;
      if (early) stored = [...stored, early];
    }
    if (!summary && !lines && round === 0 && known.written && alert.rev === 1) {
      // Revision 1 is the caller's append and nothing else (every append and every state change adds one).
      lines = known.written.lines;
      stored = known.written.changes;
    }
    if (!summary && !lines) {
      // Read before the lease was held, it shows what the lease holder would see only at the same revision
      // (lines change only with the revision); otherwise read now, while holding it.
      const before = round === 0 ? await known.early : undefined;
      if (before?.read?.alert.rev === alert.rev) {
        lines = before.read.lines;
        stored = before.lead ? [before.lead] : [];
      } else ({ alert, lines } = await readAlert(deps, alertId));
    }

    const content = summary
      ? await contentFrom(deps, alert, { lines: [], summary }, stored)
      : await contentOf(deps, alert, lines ?? [], stored);
    // The pending lines this render folds: all the alert held when its lines (or summary) were read.
    const folded = alert.pendingLines?.length ?? 0;
    const rendered = withActorAnswer(
      withEscalationSteps(
        alert.messageRemovedAt ? deps.render.replacement(content) : deps.render.alert(content),
        alert.escalation?.sent ?? [],
      ),
      alert.actorCheck?.answer,
    );
    let message = alert.message;
    let notifiedSeverity = alert.notifiedSeverity ?? content.severity;
    if (message) {
      await renew();
      try {
        await deps.messenger.update(message, rendered);
      } catch (error) {
        if (!(error instanceof MessageNotFoundError)) throw error;
        // Deleted by a workspace admin, or lost with a Slack that was reset: a message that is gone must not
        // block its burst forever. The next round posts a fresh one that says it replaces the earlier one.
        await deps.store.renders.markMessageGone(alertId, lease.owner, deps.clock.now().toISOString());
        alert = undefined;
        continue;
      }
      // An update notifies nobody: a burst that turned more severe pings the channel with a broadcast reply.
      if (
        SEVERITY_RANK[content.severity] > SEVERITY_RANK[notifiedSeverity] &&
        content.status !== 'acknowledged'
      ) {
        const escalation = { alertId, severity: content.severity };
        // A reply whose answer was lost (or whose render was not recorded) may be in the thread already.
        await renew();
        const sent =
          alert.escalationAttempt?.severity === content.severity &&
          (await deps.messenger.findNotified(message, escalation));
        if (!sent) {
          await deps.store.renders.markEscalationAttempt(
            alertId,
            lease.owner,
            content.severity,
            deps.clock.now().toISOString(),
          );
          await renew();
          const [ref, reply] = [message, deps.render.escalation(content)];
          await sending(deps, lease, () => deps.messenger.notify(ref, reply, escalation));
        }
        notifiedSeverity = content.severity;
      }
    } else {
      // A post whose answer never came back (timeout, crash) may have reached Slack: look before posting again.
      if (alert.postAttemptAt) {
        await renew();
        message = await deps.messenger.findPosted(alert.channel, alertId, alert.postAttemptAt);
      }
      if (message) {
        await renew();
        await deps.messenger.update(message, rendered);
      } else {
        // The store must hold an attempt before the post: the lease write recorded one, or an earlier
        // holder's (or a gone message's) is on the alert.
        if (!alert.postAttemptAt && !(round === 0 && lease.postAttemptRecorded))
          await deps.store.renders.markPostAttempt(alertId, lease.owner, deps.clock.now().toISOString());
        await renew();
        const { channel } = alert;
        message = await sending(deps, lease, () => deps.messenger.post(channel, rendered, alertId));
      }
      notifiedSeverity = content.severity;
    }
    const recorded = await deps.store.renders.markRendered(
      alertId,
      lease.owner,
      {
        rev: alert.rev,
        message,
        changeCount: changeCountOf(content),
        headline: rendered.text,
        notifiedSeverity,
        ...(content.summary ? { summary: { value: content.summary, folded } } : {}),
      },
      { release: true },
    );
    if (recorded.released) return recorded;
    alert = recorded.alert;
  }
}

async function readAlert(deps: AlertDeps, alertId: string): Promise<AlertWithLines> {
  const read = await deps.store.alerts.getWithLines(alertId);
  if (!read) throw new AlertNotFoundError(alertId);
  return read;
}
