import { toLine } from '../../src/changes/burst';
import type { Change } from '../../src/model/change';
import { createMemoryStore } from '../../src/store/memory';
import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import type { Clock } from '../../src/use-cases/ports';
import { type RecordChangesDeps, recordChanges } from '../../src/use-cases/record-changes';
import { RenderPendingError, syncAlertMessage } from '../../src/use-cases/sync-alert';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';
import { RecordingMessenger } from '../helpers/use-cases';

function setup(overrides: Partial<RecordChangesDeps> = {}) {
  let now = Date.parse('2026-11-27T10:00:00Z');
  const clock: Clock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
  };
  const store = createMemoryStore();
  const messenger = new RecordingMessenger();
  const deps: RecordChangesDeps = {
    store,
    messenger,
    clock,
    owner: 'worker-1',
    render: testRenderer(),
    defaultChannel: 'C1',
    ...overrides,
  };
  return { store, messenger, deps, clock };
}

/** An alert A1 in C1 with one stored change, never rendered. */
async function storedAlert(store: RecordChangesDeps['store'], alertId: string): Promise<void> {
  const change = makeChange();
  await store.changes.save({ change, raw: '{}', receivedAt: at(0) });
  await store.alerts.append(
    {
      id: alertId,
      channel: 'C1',
      watch: change.watch,
      actorKey: 'k',
      account: change.account,
      createdAt: at(0),
    },
    [toLine(change)],
  );
}

const at = (seconds: number) => new Date(Date.parse('2026-11-27T09:00:00Z') + seconds * 1000).toISOString();

describe('recordChanges (memory store)', () => {
  it('starts a new alert for changes that arrive after the burst was acknowledged', async () => {
    const { store, messenger, deps } = setup();
    const first = [makeChange({ time: at(0) }), makeChange({ time: at(10) })];
    await recordChanges(
      first.map((change) => ({ change, raw: '{}' })),
      deps,
    );
    const [alert] = messenger.posts;
    const ack = await acknowledgeAlert(
      { ...deps, events: { publish: async () => undefined } },
      {
        alertId: alert?.alertId ?? '',
        userId: 'U1',
        userName: 'alice',
      },
    );
    expect(ack.status).toBe('acknowledged');

    const later = makeChange({ time: at(20) });
    const results = await recordChanges([{ change: later, raw: '{}' }], deps);

    expect(results.get(later.id)).toMatchObject({ ok: true });
    expect(messenger.posts).toHaveLength(2);
    const delivery = await store.deliveries.get(later.id, 'C1');
    expect(delivery).toMatchObject({ kind: 'alert' });
    expect(delivery?.kind === 'alert' && delivery.alertId).not.toBe(alert?.alertId);
    expect((await store.alerts.lines(alert?.alertId ?? '')).map((l) => l.id).sort()).toEqual(
      first.map((c) => c.id).sort(),
    );
  });

  it('keeps a redelivered change in the acknowledged alert that already carried it', async () => {
    const { store, messenger, deps } = setup();
    const change = makeChange({ time: at(0) });
    await recordChanges([{ change, raw: '{}' }], deps);
    const alertId = messenger.posts[0]?.alertId ?? '';
    await store.alerts.acknowledge(alertId, { userId: 'U1', userName: 'alice', at: at(5) });
    // A redelivered duplicate of an already-covered change stays where it was.
    const again = await store.alerts.append(
      {
        id: alertId,
        channel: 'C1',
        watch: change.watch,
        actorKey: 'x',
        account: change.account,
        createdAt: at(0),
      },
      [toLine(change)],
    );
    expect(again).toEqual({ status: 'acknowledged', returned: [] });
  });

  it('fails the change (for a retry) when Slack is down, and posts exactly once on the retry', async () => {
    const { messenger, deps } = setup();
    const change = makeChange();
    messenger.failPosts = 1;
    const failed = await recordChanges([{ change, raw: '{}' }], deps);
    expect(failed.get(change.id)).toMatchObject({ ok: false });
    const retried = await recordChanges([{ change, raw: '{}' }], deps);
    expect(retried.get(change.id)).toMatchObject({ ok: true, outcome: { alerted: ['C1'] } });
    expect(messenger.posts).toHaveLength(1);
  });

  it.each(['mute', 'unsubscribe'] as const)(
    'still posts a change whose first attempt failed when the channel %ss before the retry',
    async (action) => {
      const { store, messenger, deps } = setup();
      const change = makeChange();
      messenger.failPosts = 1;
      expect((await recordChanges([{ change, raw: '{}' }], deps)).get(change.id)).toMatchObject({
        ok: false,
      });
      if (action === 'mute') {
        await store.config.putMute({
          channel: 'C1',
          type: 'watch',
          value: 'security-groups',
          setBy: 'U1',
          setAt: at(0),
          expiresAt: '2999-01-01T00:00:00.000Z',
        });
      } else await store.config.unsubscribe('C1', ['all']);

      const retried = await recordChanges([{ change, raw: '{}' }], deps);

      expect(retried.get(change.id)).toMatchObject({ ok: true, outcome: { alerted: ['C1'], muted: [] } });
      expect(messenger.posts).toHaveLength(1);
    },
  );

  it('reports a change no channel subscribes to as unrouted, not as delivered', async () => {
    const { deps } = setup({ defaultChannel: undefined });
    const change = makeChange();
    const results = await recordChanges([{ change, raw: '{}' }], deps);
    expect(results.get(change.id)).toEqual({ ok: true, outcome: { alerted: [], muted: [], unrouted: true } });
  });

  it('pings once when a burst turns critical after it was posted', async () => {
    const { messenger, deps } = setup();
    await recordChanges([{ change: makeChange({ time: at(0) }), raw: '{}' }], deps);
    const critical: Change = makeChange({
      time: at(5),
      severity: 'critical',
      summary: 'opened tcp/22 to the world',
    });
    await recordChanges([{ change: critical, raw: '{}' }], deps);
    await recordChanges([{ change: makeChange({ time: at(6), severity: 'critical' }), raw: '{}' }], deps);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.pings.map((p) => p.text)).toEqual([
      expect.stringContaining('opened tcp/22 to the world'),
    ]);
  });
});

describe('syncAlertMessage (memory store)', () => {
  it('leaves the render to the lease holder and asks for a retry when the holder does not finish in time', async () => {
    const { store, deps, clock } = setup();
    const change = makeChange();
    await store.changes.save({ change, raw: '{}', receivedAt: at(0) });
    const appended = await store.alerts.append(
      {
        id: 'A1',
        channel: 'C1',
        watch: change.watch,
        actorKey: 'k',
        account: change.account,
        createdAt: at(0),
      },
      [toLine(change)],
    );
    const until = new Date(clock.now().getTime() + 60_000).toISOString();
    expect(await store.renders.acquireLease('A1', 'someone-else', clock.now().toISOString(), until)).toBe(
      true,
    );

    await expect(
      syncAlertMessage(deps, 'A1', appended.status === 'appended' ? appended.rev : 0),
    ).rejects.toBeInstanceOf(RenderPendingError);
  });

  it('frees the alert of a holder that died mid-post within 30 s (lease and takeover grace), so the redelivery renders it', async () => {
    // Prepare: worker-1 takes the lease and hangs in chat.postMessage, then its invocation dies (no finally).
    const { store, messenger, deps, clock } = setup();
    await storedAlert(store, 'A1');
    messenger.hangPosts = 1;
    void syncAlertMessage(deps, 'A1', 1);
    while (messenger.hung === 0) await new Promise((resolve) => setImmediate(resolve));

    // Act: the SQS redelivery comes 30 s later (deployed: the 9-minute visibility timeout), in another invocation.
    await clock.sleep(30_000);
    const alert = await syncAlertMessage({ ...deps, owner: 'worker-2' }, 'A1', 1);

    // Assess
    expect(alert.message?.ts).toBe(messenger.posts[0]?.ts);
    expect(messenger.posts).toHaveLength(1);
  });

  it('finds a post whose answer was lost instead of posting again', async () => {
    const { store, messenger, deps } = setup();
    await storedAlert(store, 'A1');
    // A previous worker marked the attempt and its post reached Slack, then it died.
    await store.renders.acquireLease('A1', 'dead', at(0), at(1));
    await store.renders.markPostAttempt('A1', 'dead', at(0));
    await messenger.post('C1', { text: 'x', blocks: [] }, 'A1');

    const alert = await syncAlertMessage(deps, 'A1', 1);

    expect(messenger.posts).toHaveLength(1);
    expect(alert.message?.ts).toBe(messenger.posts[0]?.ts);
  });
});
