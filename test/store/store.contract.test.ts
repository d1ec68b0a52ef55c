import { LeaseLostError } from '../../src/store/errors';
import type { AlertSeed, Store } from '../../src/store/ports';
import { lineOf, makeChange } from '../helpers/changes';
import { markRendered, type RequestCounter, STORE_KINDS, useStores } from '../helpers/stores';

const NOW = '2026-11-27T10:00:00.000Z';
const LATER = '2026-11-27T10:05:00.000Z';

function seed(id: string, channel = 'C1'): AlertSeed {
  return {
    id,
    channel,
    watch: 'security-groups',
    actorKey: 'alice',
    account: '123456789012',
    createdAt: NOW,
  };
}

describe.each(STORE_KINDS)('store contract on %s', (kind) => {
  const stores = useStores(kind);
  let store: Store & { dynamoDbRequests?: RequestCounter };
  beforeEach(async () => {
    store = await stores.fresh();
  });
  /**
   * DynamoDB requests `act` sends. A refused conditional write answers with the item it found on DynamoDB
   * (and DynamoDB Local); dynalite does not return it, so there the adapter reads it once more.
   */
  const requestsOf = async (act: () => Promise<unknown>): Promise<number | undefined> => {
    store.dynamoDbRequests?.reset();
    await act();
    return store.dynamoDbRequests?.total();
  };
  const oneRequest = kind === 'memory' ? undefined : kind === 'dynalite' ? 2 : 1;

  describe('changes', () => {
    it('stores a change once, however often it is saved (also concurrently)', async () => {
      // Prepare
      const change = makeChange();
      const record = { change, raw: JSON.stringify({ id: change.id }), receivedAt: NOW };

      // Act
      const results = await Promise.all(Array.from({ length: 10 }, () => store.changes.save(record)));

      // Assess
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.changes.get(change.id)).toEqual(record);
    });

    it('lists changes by actor within a time range, newest `limit`, oldest first', async () => {
      const times = [
        '2026-11-27T08:00:00Z',
        '2026-11-27T09:00:00Z',
        '2026-11-27T09:30:00Z',
        '2026-11-27T11:00:00Z',
      ];
      const made = times.map((time) => makeChange({ time }));
      const first = made[0] ?? makeChange();
      const other = makeChange({
        time: '2026-11-27T09:10:00Z',
        actor: { ...first.actor, arn: 'arn:aws:iam::1:user/bob' },
      });
      for (const change of [...made, other]) await store.changes.save({ change, raw: '{}', receivedAt: NOW });

      const lines = await store.changes.byActor(
        '123456789012',
        'arn:aws:iam::123456789012:user/alice',
        '2026-11-27T08:30:00Z',
        '2026-11-27T10:00:00Z',
        10,
      );
      expect(lines.map((line) => line.time)).toEqual(['2026-11-27T09:00:00Z', '2026-11-27T09:30:00Z']);

      const newest = await store.changes.byActor(
        '123456789012',
        'arn:aws:iam::123456789012:user/alice',
        '2026-11-27T00:00:00Z',
        '2026-11-27T23:59:59Z',
        2,
      );
      expect(newest.map((line) => line.time)).toEqual(['2026-11-27T09:30:00Z', '2026-11-27T11:00:00Z']);
    });

    it('keeps rejected inputs, one per id, and counts them between two times with the first reasons', async () => {
      // Prepare: a retry of m-1, inputs on two days, one outside the window.
      await store.rejected.save({ id: 'm-1', reason: 'not JSON', body: '{', at: NOW });
      await store.rejected.save({ id: 'm-1', reason: 'not JSON', body: '{', at: NOW });
      await store.rejected.save({
        id: 'm-0',
        reason: 'too old',
        body: '{}',
        at: '2026-11-25T10:00:00.000Z',
      });
      await store.rejected.save({
        id: 'm-2',
        reason: 'detail.eventTime is not an ISO-8601 time',
        body: 'x'.repeat(40_000),
        at: '2026-11-26T23:59:00.000Z',
      });
      await store.rejected.save({ id: 'm-3', reason: 'r'.repeat(2000), body: '{}', at: LATER });

      // Act
      const summary = await store.rejected.between('2026-11-26T10:00:00.000Z', LATER, 2);

      // Assess: oldest first, bodies left out, reasons clipped.
      expect(summary.count).toBe(3);
      expect(summary.first).toEqual([
        { id: 'm-2', reason: 'detail.eventTime is not an ISO-8601 time', at: '2026-11-26T23:59:00.000Z' },
        { id: 'm-1', reason: 'not JSON', at: NOW },
      ]);
      const all = await store.rejected.between('2026-11-26T10:00:00.000Z', LATER, 10);
      expect(all.first.at(-1)?.reason).toHaveLength(500);
      expect((await store.rejected.between(LATER, LATER, 10)).count).toBe(1);
    });
  });

  describe('config', () => {
    it('bootstraps the default channel exactly once, even concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.config.bootstrap('CDEFAULT', NOW)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const config = await store.config.load(NOW);
      expect(config.bootstrapped).toBe(true);
      expect(config.subscriptions).toEqual([
        { channel: 'CDEFAULT', watch: 'all', setBy: 'infrawatch', setAt: NOW },
      ]);
    });

    it('subscribes and unsubscribes idempotently', async () => {
      await store.config.subscribe('C1', ['ec2', 'iam'], 'U1', NOW);
      await store.config.subscribe('C1', ['ec2'], 'U1', NOW);
      await store.config.unsubscribe('C1', ['iam', 'vpc']);
      const config = await store.config.load(NOW);
      expect(config.subscriptions.map((s) => `${s.channel}:${s.watch}`)).toEqual(['C1:ec2']);
      expect(config.bootstrapped).toBe(false);
    });

    it('returns only unexpired mutes and deletes them by target', async () => {
      const mute = {
        channel: 'C1',
        type: 'watch' as const,
        value: 'iam',
        setBy: 'U1',
        setAt: NOW,
        expiresAt: LATER,
      };
      await store.config.putMute(mute);
      expect((await store.config.load(NOW)).mutes).toEqual([mute]);
      expect((await store.config.load(LATER)).mutes).toEqual([]);
      expect(await store.config.deleteMute('C1', 'watch', 'iam')).toEqual(mute);
      expect(await store.config.deleteMute('C1', 'watch', 'iam')).toBeUndefined();
    });
  });

  describe('request claims', () => {
    it('grants a request key once among concurrent claims, again only after it lapses or is released', async () => {
      // Prepare
      const until = '2026-11-27T10:00:10.000Z';

      // Act
      const first = await Promise.all(
        Array.from({ length: 5 }, () => store.requests.claim('k1', NOW, until)),
      );
      const beforeLapse = await store.requests.claim('k1', '2026-11-27T10:00:09.999Z', LATER);
      const afterLapse = await store.requests.claim('k1', '2026-11-27T10:00:10.001Z', LATER);
      const other = await store.requests.claim('k2', NOW, until);
      await store.requests.release('k2', 'not-this-claim');
      const afterForeignRelease = await store.requests.claim('k2', NOW, until);
      await store.requests.release('k2', until);
      const afterRelease = await store.requests.claim('k2', NOW, until);

      // Assess
      expect(first.filter(Boolean)).toHaveLength(1);
      expect([beforeLapse, afterLapse]).toEqual([false, true]);
      expect([other, afterForeignRelease, afterRelease]).toEqual([true, false, true]);
      expect((await store.config.load(NOW)).subscriptions).toEqual([]);
    });
  });

  describe('deliveries', () => {
    it('the first claim for (change, channel) wins; later claims get it back', async () => {
      const claims = await Promise.all(
        ['A1', 'A2', 'A3', 'A4'].map((alertId) =>
          store.deliveries.claim({ eventId: 'e1', channel: 'C1', kind: 'alert', alertId, at: NOW }),
        ),
      );
      const winner = claims[0];
      for (const claim of claims) expect(claim).toEqual(winner);
      expect(await store.deliveries.get('e1', 'C1')).toEqual(winner);
      expect(await store.deliveries.get('e1', 'C2')).toBeUndefined();
    });

    it('moves a delivery only from the alert it points at', async () => {
      await store.deliveries.claim({
        eventId: 'e1',
        channel: 'C1',
        kind: 'alert',
        alertId: 'A1',
        at: NOW,
      });
      expect(await store.deliveries.move('e1', 'C1', 'A9', 'A2')).toBe(false);
      expect(await store.deliveries.move('e1', 'C1', 'A1', 'A2')).toBe(true);
      expect(await store.deliveries.get('e1', 'C1')).toMatchObject({ alertId: 'A2' });
    });

    it('counts muted deliveries per channel since a time', async () => {
      for (const [eventId, time] of [
        ['e1', '2026-11-26T10:00:00Z'],
        ['e2', '2026-11-27T09:00:00Z'],
        ['e3', '2026-11-27T09:30:00Z'],
      ] as const) {
        await store.deliveries.claim({
          eventId,
          channel: 'C1',
          kind: 'muted',
          mute: 'watch:iam',
          at: NOW,
          time,
        });
      }
      await store.deliveries.claim({
        eventId: 'e4',
        channel: 'C2',
        kind: 'muted',
        mute: 'watch:iam',
        at: NOW,
        time: NOW,
      });
      expect(await store.deliveries.countMuted('C1', '2026-11-27T00:00:00Z')).toBe(2);
    });
  });

  describe('digest runs', () => {
    it('claims a run once; a completed run stays claimed; an abandoned one can be redone after its lease', async () => {
      const lease = '2026-11-27T10:05:00.000Z';
      const claims = await Promise.all(
        Array.from({ length: 5 }, () => store.digests.claim('C1', 'scheduled#2026-11-27', NOW, lease)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(
        await store.digests.claim('C1', 'scheduled#2026-11-27', '2026-11-27T10:06:00.000Z', lease),
      ).toEqual({});
      await store.digests.complete('C1', 'scheduled#2026-11-27');
      expect(
        await store.digests.claim('C1', 'scheduled#2026-11-27', '2026-11-28T10:00:00.000Z', lease),
      ).toBeUndefined();
      expect(await store.digests.claim('C2', 'scheduled#2026-11-27', NOW, lease)).toEqual({});
      // A failed run gives its claim back at once.
      await store.digests.release('C2', 'scheduled#2026-11-27');
      expect(await store.digests.claim('C2', 'scheduled#2026-11-27', NOW, lease)).toEqual({});
    });

    it('hands the first post attempt of a digest run to every later claim of it', async () => {
      const lease = '2026-11-27T10:05:00.000Z';
      const run = 'requested#r1';
      expect(await store.digests.claim('C1', run, NOW, lease)).toEqual({});
      await store.digests.markPostAttempt('C1', run, NOW);
      await store.digests.markPostAttempt('C1', run, LATER);
      await store.digests.release('C1', run);

      expect(await store.digests.claim('C1', run, NOW, lease)).toEqual({ postAttemptAt: NOW });
      expect(await store.digests.claim('C1', run, NOW, lease)).toBeUndefined();
      await store.digests.complete('C1', run);
      expect(await store.digests.claim('C1', run, '2026-11-28T10:00:00.000Z', lease)).toBeUndefined();
    });

    it('lists posted digests with a button until closed, with the window of their first post attempt', async () => {
      const lease = '2026-11-27T10:05:00.000Z';
      const window = { since: '2026-11-20T10:00:00.000Z', until: NOW };
      for (const run of ['scheduled#2026-11-27', 'requested#r1', 'requested#clear'])
        await store.digests.claim('C1', run, NOW, lease);
      await store.digests.markPostAttempt('C1', 'scheduled#2026-11-27', NOW, window);
      // A retry renders a later window; the message posted first shows the first one.
      await store.digests.markPostAttempt('C1', 'scheduled#2026-11-27', LATER, {
        since: NOW,
        until: LATER,
      });
      await store.digests.recordMessage('C1', 'scheduled#2026-11-27', '100.000001');
      // Posted without a button (an all-clear), or with a button whose post has no ts yet: not listed.
      await store.digests.markPostAttempt('C1', 'requested#clear', NOW);
      await store.digests.recordMessage('C1', 'requested#clear', '100.000002');
      await store.digests.markPostAttempt('C1', 'requested#r1', NOW, window);
      await store.digests.claim('C2', 'scheduled#2026-11-27', NOW, lease);
      await store.digests.markPostAttempt('C2', 'scheduled#2026-11-27', NOW, window);
      await store.digests.recordMessage('C2', 'scheduled#2026-11-27', '100.000003');

      expect(await store.digests.withButton('C1')).toEqual([
        { runKey: 'scheduled#2026-11-27', ts: '100.000001', ...window },
      ]);
      await store.digests.close('C1', 'scheduled#2026-11-27', LATER);
      expect(await store.digests.withButton('C1')).toEqual([]);
      expect(await store.digests.withButton('C2')).toHaveLength(1);
      // Closing keeps the run claimed: it is never posted again.
      expect(await store.digests.claim('C1', 'scheduled#2026-11-27', LATER, lease)).toBeUndefined();
    });

    it('keeps the first post attempt of an alert and records an escalation attempt for the lease holder only', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      expect(await store.renders.acquireLease('A1', 'w1', NOW, LATER)).toBe(true);
      await store.renders.markPostAttempt('A1', 'w1', NOW);
      await store.renders.markPostAttempt('A1', 'w1', LATER);
      await store.renders.markEscalationAttempt('A1', 'w1', 'critical', LATER);
      await expect(store.renders.markEscalationAttempt('A1', 'w2', 'warning', LATER)).rejects.toBeInstanceOf(
        LeaseLostError,
      );

      expect(await store.alerts.get('A1')).toMatchObject({
        postAttemptAt: NOW,
        escalationAttempt: { severity: 'critical', at: LATER },
      });
    });
  });

  describe('burst groups', () => {
    it('creates a group once and replaces it only from the version that was read', async () => {
      const group = {
        channel: 'C1',
        key: 'k',
        alertId: 'A1',
        firstAt: NOW,
        lastAt: NOW,
        count: 1,
        version: 1,
      };
      expect(await store.bursts.save(group, undefined)).toBe(true);
      expect(await store.bursts.save({ ...group, alertId: 'A2' }, undefined)).toBe(false);
      expect(await store.bursts.save({ ...group, count: 2, version: 2 }, group)).toBe(true);
      expect(await store.bursts.save({ ...group, count: 3, version: 2 }, group)).toBe(false);
      expect(await store.bursts.get('C1', 'k')).toEqual({ ...group, count: 2, version: 2 });

      await store.bursts.close('C1', 'k', 'A9');
      expect(await store.bursts.get('C1', 'k')).toEqual({ ...group, count: 2, version: 2 });
      await store.bursts.close('C1', 'k', 'A1');
      expect(await store.bursts.get('C1', 'k')).toBeUndefined();
    });

    it('refuses a save planned from a group that was closed and started again (same version, other alert)', async () => {
      const read = {
        channel: 'C1',
        key: 'k',
        alertId: 'A1',
        firstAt: NOW,
        lastAt: NOW,
        count: 1,
        version: 1,
      };
      expect(await store.bursts.save(read, undefined)).toBe(true);
      // A1 is acknowledged and its group closed; the actor's next change starts A2's group, at version 1 again.
      await store.bursts.close('C1', 'k', 'A1');
      const next = { ...read, alertId: 'A2' };
      expect(await store.bursts.save(next, undefined)).toBe(true);

      // A worker that read A1's group before the close plans from it: refused, so it reads A2's and plans anew.
      expect(await store.bursts.save({ ...read, count: 2, version: 2 }, read)).toBe(false);
      expect(await store.bursts.get('C1', 'k')).toEqual(next);
    });
  });

  describe('render windows', () => {
    const T = (seconds: number) =>
      new Date(Date.parse('2026-11-27T10:00:00Z') + seconds * 1000).toISOString();

    it('opens once while open, carries the finisher mark, and lets only its finisher continue it', async () => {
      expect(await store.renderWindows.open('A1', T(0), T(1))).toBeUndefined();
      expect(await store.renderWindows.open('A1', T(0.5), T(1.5))).toEqual({ until: T(1), streak: 0 });
      await store.renderWindows.markFinisher('A1', T(1));
      expect(await store.renderWindows.open('A1', T(0.6), T(1.6))).toEqual({
        until: T(1),
        finisherFor: T(1),
        streak: 0,
      });
      // An earlier window's mark never replaces a later one.
      await store.renderWindows.markFinisher('A1', T(0.9));
      expect((await store.renderWindows.open('A1', T(0.7), T(1.7)))?.finisherFor).toBe(T(1));
      // Only the finisher of the marked window continues it (a redelivery, or another window's, does not).
      expect(await store.renderWindows.continueWindow('A1', T(0.9), T(3), 1)).toBe(false);
      expect(await store.renderWindows.continueWindow('A1', T(1), T(3), 1)).toBe(true);
      expect(await store.renderWindows.continueWindow('A1', T(1), T(3), 1)).toBe(false);
      expect(await store.renderWindows.open('A1', T(2), T(3))).toEqual({ until: T(3), streak: 1 });
      // Once it has closed, the next change opens a fresh one (streak 0) and renders at once.
      expect(await store.renderWindows.open('A1', T(3), T(4))).toBeUndefined();
      expect(await store.renderWindows.open('A1', T(3.5), T(4.5))).toEqual({ until: T(4), streak: 0 });
    });

    it('opens a window for one of two concurrent first changes only', async () => {
      const opened = await Promise.all([
        store.renderWindows.open('A2', T(0), T(1)),
        store.renderWindows.open('A2', T(0), T(1)),
      ]);
      expect(opened.filter((window) => window === undefined)).toHaveLength(1);
    });
  });

  describe('alerts', () => {
    it('creates an alert on first append, adds each line once, and moves the revision', async () => {
      const a = makeChange();
      const b = makeChange({ severity: 'critical' });
      expect(await store.alerts.append(seed('A1'), [lineOf(a)])).toEqual({ status: 'appended', rev: 1 });
      expect(await store.alerts.append(seed('A1'), [lineOf(a), lineOf(b)])).toEqual({
        status: 'appended',
        rev: 2,
      });

      const alert = await store.alerts.get('A1');
      expect(alert).toMatchObject({ id: 'A1', channel: 'C1', rev: 2, renderedRev: 0, severity: 'critical' });
      expect((await store.alerts.lines('A1')).map((line) => line.id).sort()).toEqual([a.id, b.id].sort());
    });

    it('first acknowledgement wins among concurrent ones; the alert leaves the open index', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await store.alerts.append(seed('A2'), [lineOf(makeChange())]);
      await markRendered(store, 'A1');
      expect((await store.alerts.listOpen('C1', '2026-11-01T00:00:00Z')).map((a) => a.id)).toEqual([
        'A1',
        'A2',
      ]);

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.alerts.acknowledge('A1', { userId: `U${i}`, userName: `user${i}`, at: LATER }),
        ),
      );
      const winners = results.filter((r) => r.status === 'acknowledged');
      expect(winners).toHaveLength(1);
      const first = winners[0];
      const winner = first?.status === 'acknowledged' ? first.alert.acknowledgement : undefined;
      for (const result of results.filter((r) => r.status !== 'acknowledged')) {
        expect(result).toEqual({ status: 'already-acknowledged', acknowledgement: winner });
      }
      expect((await store.alerts.listOpen('C1', '2026-11-01T00:00:00Z')).map((a) => a.id)).toEqual(['A2']);
      expect(await store.alerts.acknowledge('missing', { userId: 'U', userName: 'u', at: NOW })).toEqual({
        status: 'not-found',
      });
    });

    it('keeps the first acknowledgement once the message shows it: a later click changes nothing', async () => {
      // Prepare: alice acknowledged, and the message was re-rendered to show it (rev = renderedRev again, so
      // only the acknowledgement itself can refuse the second click).
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await markRendered(store, 'A1');
      const alice = { userId: 'U1', userName: 'alice', at: LATER };
      expect((await store.alerts.acknowledge('A1', alice)).status).toBe('acknowledged');
      await markRendered(store, 'A1', LATER);
      const rendered = await store.alerts.get('A1');

      // Act
      const second = await store.alerts.acknowledge('A1', { userId: 'U2', userName: 'bob', at: LATER });

      // Assess
      expect(second).toEqual({ status: 'already-acknowledged', acknowledgement: alice });
      const after = await store.alerts.get('A1');
      expect(after?.acknowledgement).toEqual(alice);
      expect(after?.rev).toBe(rendered?.rev);
    });

    it('answers a repeat click from the refused write alone: who acknowledged, without a second request', async () => {
      // Prepare
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await markRendered(store, 'A1');
      const alice = { userId: 'U1', userName: 'alice', at: LATER };
      await store.alerts.acknowledge('A1', alice, { channel: 'C1' });
      await markRendered(store, 'A1', LATER);

      // Act
      let second: unknown;
      const requests = await requestsOf(async () => {
        second = await store.alerts.acknowledge('A1', { ...alice, userId: 'U2' }, { channel: 'C1' });
      });

      // Assess
      expect(second).toEqual({ status: 'already-acknowledged', acknowledgement: alice });
      expect(requests).toBe(oneRequest);
    });

    it("acknowledges only from the alert's own channel, by the same condition, and says nothing about it elsewhere", async () => {
      // Prepare
      const line = lineOf(makeChange());
      await store.alerts.append(seed('A1'), [line]);
      await markRendered(store, 'A1');
      const before = await store.alerts.get('A1');
      const alice = { userId: 'U1', userName: 'alice', at: LATER };

      // Act: a copied button clicked in C2, then the real click in C1, then C2 again.
      let elsewhere: unknown;
      const requests = await requestsOf(async () => {
        elsewhere = await store.alerts.acknowledge('A1', alice, { channel: 'C2' });
      });
      const own = await store.alerts.acknowledge('A1', alice, { channel: 'C1' });
      const afterwards = await store.alerts.acknowledge('A1', alice, { channel: 'C2' });

      // Assess
      expect(elsewhere).toEqual({ status: 'not-found' });
      expect(requests).toBe(oneRequest);
      expect(own).toMatchObject({
        status: 'acknowledged',
        alert: { id: 'A1', channel: 'C1', rev: (before?.rev ?? 0) + 1, acknowledgement: alice },
        lineIds: [line.id],
      });
      expect(afterwards).toEqual({ status: 'not-found' });
      expect(await store.alerts.acknowledge('missing', alice, { channel: 'C1' })).toEqual({
        status: 'not-found',
      });
    });

    it('refuses new lines after an acknowledgement and takes back only the new ones', async () => {
      const old = lineOf(makeChange());
      await store.alerts.append(seed('A1'), [old]);
      await markRendered(store, 'A1');
      await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER });
      const fresh = lineOf(makeChange());

      const result = await store.alerts.append(seed('A1'), [old, fresh]);

      expect(result).toEqual({ status: 'acknowledged', returned: [fresh.id] });
      expect((await store.alerts.lines('A1')).map((line) => line.id)).toEqual([old.id]);
    });

    it('acknowledges only the revision the clicked message showed, by the same condition', async () => {
      // Prepare: the message showed revision 1; a change was appended and rendered since (revision 2).
      const alice = { userId: 'U1', userName: 'alice', at: LATER };
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await markRendered(store, 'A1');
      await store.alerts.append(seed('A1'), [lineOf(makeChange({ severity: 'critical' }))]);
      await markRendered(store, 'A1');

      // Act: a click from the message as it was, then one from the message as it is.
      let stale: unknown;
      const requests = await requestsOf(async () => {
        stale = await store.alerts.acknowledge('A1', alice, { channel: 'C1', shownRev: 1 });
      });
      const ahead = await store.alerts.acknowledge('A1', alice, { channel: 'C1', shownRev: 3 });
      const current = await store.alerts.acknowledge('A1', alice, { channel: 'C1', shownRev: 2 });

      // Assess
      expect(stale).toMatchObject({ status: 'changed', alert: { rev: 2, renderedRev: 2 } });
      expect(requests).toBe(oneRequest);
      expect(ahead).toMatchObject({ status: 'changed' });
      expect(current).toMatchObject({ status: 'acknowledged', alert: { acknowledgement: alice } });
      // Once acknowledged, a late click of either revision learns who acknowledged.
      expect(await store.alerts.acknowledge('A1', alice, { shownRev: 1 })).toEqual({
        status: 'already-acknowledged',
        acknowledgement: alice,
      });
    });

    it('refuses to acknowledge what the message does not show yet', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      expect(
        await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER }),
      ).toMatchObject({
        status: 'changed',
        alert: { rev: 1, renderedRev: 0 },
      });
      await markRendered(store, 'A1');
      await store.alerts.append(seed('A1'), [lineOf(makeChange({ severity: 'critical' }))]);
      // The refusal carries the revision to render, from the refused write itself.
      let changed: unknown;
      const requests = await requestsOf(async () => {
        changed = await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER });
      });
      expect(changed).toMatchObject({ status: 'changed', alert: { rev: 2, renderedRev: 1 } });
      expect(requests).toBe(oneRequest);
      await markRendered(store, 'A1');
      expect(
        (await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER })).status,
      ).toBe('acknowledged');
    });

    it('does not move the revision when an append adds nothing new (a redelivery)', async () => {
      const line = lineOf(makeChange());
      expect(await store.alerts.append(seed('A1'), [line])).toEqual({ status: 'appended', rev: 1 });
      expect(await store.alerts.append(seed('A1'), [line])).toEqual({ status: 'appended', rev: 1 });
      expect((await store.alerts.get('A1'))?.rev).toBe(1);
    });

    it('an append of unseen lines (changes the caller stored first) skips no guarantee', async () => {
      const a = lineOf(makeChange());
      const b = lineOf(makeChange({ severity: 'warning' }));
      expect(await store.alerts.append(seed('A1'), [a], { unseen: true })).toEqual({
        status: 'appended',
        rev: 1,
      });
      expect(await store.alerts.append(seed('A1'), [b], { unseen: true })).toEqual({
        status: 'appended',
        rev: 2,
      });
      expect((await store.alerts.lines('A1')).map((line) => line.id).sort()).toEqual([a.id, b.id].sort());
      expect((await store.alerts.get('A1'))?.severity).toBe('warning');
      // Acknowledged meanwhile: the new line is handed back, not hidden under the acknowledgement.
      await markRendered(store, 'A1');
      await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER });
      const c = lineOf(makeChange());
      expect(await store.alerts.append(seed('A1'), [c], { unseen: true })).toEqual({
        status: 'acknowledged',
        returned: [c.id],
      });
      expect((await store.alerts.lines('A1')).map((line) => line.id)).not.toContain(c.id);
    });

    it('a staged line is part of no alert until an append commits it there', async () => {
      const kept = lineOf(makeChange());
      const strayed = lineOf(makeChange());
      // Both staged for A1 (beside their delivery claims); the second change's claim went to A2.
      await store.alerts.stageLines('A1', [kept, strayed]);
      expect(await store.alerts.get('A1')).toBeUndefined();
      expect(await store.alerts.lines('A1')).toEqual([]);
      expect(await store.alerts.append(seed('A1'), [kept], { unseen: true, staged: true })).toEqual({
        status: 'appended',
        rev: 1,
      });
      expect(await store.alerts.append(seed('A2'), [strayed], { unseen: true })).toMatchObject({ rev: 1 });

      expect(await store.alerts.lines('A1')).toEqual([kept]);
      expect((await store.alerts.getWithLines('A1'))?.lines).toEqual([kept]);
      expect((await store.alerts.getWithLines('A2'))?.lines).toEqual([strayed]);
    });

    it('appends many lines at once and counts only committed ones', async () => {
      const many = Array.from({ length: 60 }, () => lineOf(makeChange()));
      store.dynamoDbRequests?.reset();
      expect(await store.alerts.append(seed('A1'), many, { unseen: true })).toMatchObject({
        status: 'appended',
        rev: 1,
      });
      // The lines' three BatchWriteItems (25 at most each) go side by side, then the append's one write.
      if (store.dynamoDbRequests) expect(store.dynamoDbRequests.sequential()).toBe(2);
      expect((await store.alerts.lines('A1')).length).toBe(60);
    });

    it('marks investigation only while unacknowledged, and acknowledgement clears it', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      const investigating = await store.alerts.investigate('A1', { userId: 'U2', userName: 'bob', at: NOW });
      expect(investigating?.investigation).toEqual({ userId: 'U2', userName: 'bob', at: NOW });
      expect((await store.alerts.listOpen('C1', NOW)).map((a) => a.id)).toEqual(['A1']);

      await markRendered(store, 'A1');
      const acked = await store.alerts.acknowledge('A1', { userId: 'U1', userName: 'alice', at: LATER });
      expect(acked.status === 'acknowledged' && acked.alert.investigation).toBeFalsy();
      const after = await store.alerts.investigate('A1', { userId: 'U3', userName: 'carol', at: LATER });
      expect(after?.investigation).toBeUndefined();
      expect(
        await store.alerts.investigate('missing', { userId: 'U3', userName: 'carol', at: LATER }),
      ).toBeUndefined();
    });

    it('grants the render lease to one holder at a time until it expires or is released', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      const until = '2026-11-27T10:00:30.000Z';
      const grants = await Promise.all(
        ['w1', 'w2', 'w3'].map((owner) => store.renders.acquireLease('A1', owner, NOW, until)),
      );
      expect(grants.filter(Boolean)).toHaveLength(1);
      const holder = ['w1', 'w2', 'w3'][grants.indexOf(true)] ?? 'none';
      const other = holder === 'w1' ? 'w2' : 'w1';

      await expect(store.renders.markPostAttempt('A1', other, NOW)).rejects.toBeInstanceOf(LeaseLostError);
      await store.renders.markPostAttempt('A1', holder, NOW);
      const message = { channel: 'C1', ts: '1.000100' };
      await store.renders.markRendered('A1', holder, {
        rev: 1,
        message,
        changeCount: 1,
        headline: 'h',
        notifiedSeverity: 'warning',
      });
      expect(await store.alerts.get('A1')).toMatchObject({
        renderedRev: 1,
        message,
        postAttemptAt: NOW,
        changeCount: 1,
        headline: 'h',
      });

      // Expired leases can be taken over; released ones are free.
      expect(
        await store.renders.acquireLease('A1', other, '2026-11-27T10:00:31.000Z', '2026-11-27T10:01:00.000Z'),
      ).toBe(true);
      await store.renders.releaseLease('A1', holder);
      expect(
        await store.renders.acquireLease(
          'A1',
          holder,
          '2026-11-27T10:00:32.000Z',
          '2026-11-27T10:01:00.000Z',
        ),
      ).toBe(false);
      await store.renders.releaseLease('A1', other);
      expect(
        await store.renders.acquireLease(
          'A1',
          holder,
          '2026-11-27T10:00:32.000Z',
          '2026-11-27T10:01:00.000Z',
        ),
      ).toBe(true);
      expect(await store.renders.acquireLease('missing', holder, NOW, until)).toBe(false);
    });

    it("returns the alert with the lease: to its holder, and to a refused worker with the holder's render", async () => {
      // Prepare
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      const until = '2026-11-27T10:00:30.000Z';

      // Act
      const held = await store.renders.takeLease('A1', 'w1', NOW, until);
      await store.renders.markRendered('A1', 'w1', {
        rev: 1,
        message: { channel: 'C1', ts: '1.000100' },
        changeCount: 1,
        headline: 'h',
        notifiedSeverity: 'info',
      });
      let busy: unknown;
      const requests = await requestsOf(async () => {
        busy = await store.renders.takeLease('A1', 'w2', NOW, until);
      });

      // Assess
      expect(held).toMatchObject({ status: 'held', alert: { id: 'A1', rev: 1, renderedRev: 0 } });
      expect(busy).toMatchObject({
        status: 'busy',
        alert: { id: 'A1', rev: 1, renderedRev: 1, message: { channel: 'C1', ts: '1.000100' } },
      });
      expect(requests).toBe(oneRequest);
      expect(await store.renders.takeLease('missing', 'w1', NOW, until)).toEqual({ status: 'not-found' });
    });

    it('records a post attempt in the lease write, keeps an earlier one, and returns the alert before the write', async () => {
      // Prepare
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await store.alerts.append(seed('A2'), [lineOf(makeChange())]);
      const until = '2026-11-27T10:00:30.000Z';
      expect(await store.renders.acquireLease('A2', 'w0', NOW, until)).toBe(true);
      await store.renders.markPostAttempt('A2', 'w0', NOW);
      await store.renders.releaseLease('A2', 'w0');

      // Act
      let first: unknown;
      const requests = await requestsOf(async () => {
        first = await store.renders.takeLease('A1', 'w1', NOW, until, { postAttemptAt: LATER });
      });
      const again = await store.renders.takeLease('A2', 'w1', NOW, until, { postAttemptAt: LATER });

      // Assess: the first holder learns no earlier attempt exists; the store has its attempt all the same.
      expect(first).toMatchObject({ status: 'held', alert: { id: 'A1', rev: 1 } });
      expect((first as { alert: { postAttemptAt?: string } }).alert.postAttemptAt).toBeUndefined();
      expect(requests).toBe(kind === 'memory' ? undefined : 1);
      expect(await store.alerts.get('A1')).toMatchObject({ postAttemptAt: LATER });
      // An earlier holder's attempt is returned and kept: the post may be in Slack since then.
      expect(again).toMatchObject({ status: 'held', alert: { postAttemptAt: NOW } });
      expect(await store.alerts.get('A2')).toMatchObject({ postAttemptAt: NOW });
      // The lease is held all the same: another worker is refused.
      expect(await store.renders.takeLease('A1', 'w2', NOW, until)).toMatchObject({ status: 'busy' });
    });

    it('renews a lease only for its holder, and never takes back a released one', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await store.renders.takeLease('A1', 'w1', NOW, '2026-11-27T10:00:15.000Z');

      expect(await store.renders.renewLease('A1', 'w2', '2026-11-27T10:00:30.000Z')).toBe(false);
      expect(await store.renders.renewLease('A1', 'w1', '2026-11-27T10:00:30.000Z')).toBe(true);
      // Renewed: still w1's after the first term ran out.
      expect(await store.renders.acquireLease('A1', 'w2', '2026-11-27T10:00:20.000Z', LATER)).toBe(false);

      await store.renders.releaseLease('A1', 'w1');
      expect(await store.renders.renewLease('A1', 'w1', '2026-11-27T10:00:45.000Z')).toBe(false);
      expect(await store.renders.acquireLease('A1', 'w2', '2026-11-27T10:00:20.000Z', LATER)).toBe(true);
      expect(await store.renders.renewLease('missing', 'w1', LATER)).toBe(false);
    });

    it('releases the lease with the render only when nothing newer waits, and returns the alert either way', async () => {
      // Prepare: w1 renders rev 1 while a change lands (rev 2).
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await store.renders.takeLease('A1', 'w1', NOW, LATER);
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      const rendered = (rev: number) => ({
        rev,
        message: { channel: 'C1', ts: '1.000100' },
        changeCount: rev,
        headline: `h${rev}`,
        notifiedSeverity: 'info' as const,
      });

      // Act / Assess: rev 1 is recorded and the lease kept for rev 2.
      const behind = await store.renders.markRendered('A1', 'w1', rendered(1), { release: true });
      expect(behind).toMatchObject({ released: false, alert: { rev: 2, renderedRev: 1, headline: 'h1' } });
      expect(await store.renders.acquireLease('A1', 'w2', NOW, LATER)).toBe(false);

      let current: unknown;
      const requests = await requestsOf(async () => {
        current = await store.renders.markRendered('A1', 'w1', rendered(2), { release: true });
      });
      expect(current).toMatchObject({ released: true, alert: { rev: 2, renderedRev: 2, headline: 'h2' } });
      expect(requests).toBe(kind === 'memory' ? undefined : 1);
      expect(await store.renders.acquireLease('A1', 'w2', NOW, LATER)).toBe(true);
      // Only the holder records a render, released or not.
      await expect(
        store.renders.markRendered('A1', 'w1', rendered(2), { release: true }),
      ).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('reads an alert with the lines it carries in one request', async () => {
      const lines = [lineOf(makeChange()), lineOf(makeChange({ severity: 'critical' }))];
      await store.alerts.append(seed('A1'), lines);

      let read: Awaited<ReturnType<Store['alerts']['getWithLines']>>;
      const requests = await requestsOf(async () => {
        read = await store.alerts.getWithLines('A1');
      });

      expect(read?.alert).toMatchObject({ id: 'A1', rev: 1, severity: 'critical' });
      expect(read?.lines.map((line) => line.id).sort()).toEqual(lines.map((line) => line.id).sort());
      expect(requests).toBe(kind === 'memory' ? undefined : 1);
      expect(await store.alerts.getWithLines('missing')).toBeUndefined();
    });

    it('forgets a message Slack no longer has, for the lease holder only, and opens a new post window', async () => {
      await store.alerts.append(seed('A1'), [lineOf(makeChange())]);
      await store.renders.acquireLease('A1', 'w1', NOW, LATER);
      await store.renders.markPostAttempt('A1', 'w1', NOW);
      await store.renders.markRendered('A1', 'w1', {
        rev: 1,
        message: { channel: 'C1', ts: '1.000100' },
        changeCount: 1,
        headline: 'h',
        notifiedSeverity: 'info',
      });

      await expect(store.renders.markMessageGone('A1', 'w2', LATER)).rejects.toBeInstanceOf(LeaseLostError);
      await store.renders.markMessageGone('A1', 'w1', LATER);

      const alert = await store.alerts.get('A1');
      expect(alert?.message).toBeUndefined();
      expect(alert).toMatchObject({ postAttemptAt: LATER, messageRemovedAt: LATER, renderedRev: 1 });
      expect((await store.alerts.listOpen('C1', NOW))[0]?.message).toBeUndefined();
    });

    it('lists render-due alerts and clears a mark only when the render reached its revision', async () => {
      await store.renders.markDue('A1', 3, NOW);
      await store.renders.markDue('A2', 1, NOW);
      await store.renders.markDue('A1', 4, LATER);
      expect((await store.renders.due(10, LATER)).sort((a, b) => a.alertId.localeCompare(b.alertId))).toEqual(
        [
          { alertId: 'A1', rev: 4 },
          { alertId: 'A2', rev: 1 },
        ],
      );
      expect(await store.renders.due(1, LATER)).toHaveLength(1);

      // Marked again (rev 4) after a render of rev 3 started: that render does not clear it.
      await store.renders.clearDue('A1', 3);
      await store.renders.clearDue('A2', 1);
      expect(await store.renders.due(10, LATER)).toEqual([{ alertId: 'A1', rev: 4 }]);
      await store.renders.clearDue('A1', 5);
      expect(await store.renders.due(10, LATER)).toEqual([]);
    });

    it('holds a mark with notBefore back until then, and a page of marks not due yet hides none that are', async () => {
      // Prepare: more marks not due yet than one page of `due` would take, sorting before the due one.
      for (let i = 0; i < 5; i++) await store.renders.markDue(`A0${i}`, 1, NOW, { notBefore: LATER });
      await store.renders.markDue('A9', 2, NOW);

      // Act
      const before = await store.renders.due(2, NOW);
      const after = await store.renders.due(10, LATER);

      // Assess
      expect(before).toEqual([{ alertId: 'A9', rev: 2 }]);
      expect(after).toHaveLength(6);
      // A failure mark replaces a safety net: due at once.
      await store.renders.markDue('A00', 3, NOW);
      expect((await store.renders.due(10, NOW)).map((mark) => mark.alertId).sort()).toEqual(['A00', 'A9']);
    });
  });
});
