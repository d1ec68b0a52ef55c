import { LeaseLostError } from '../../src/store/errors';
import {
  AlertNotFoundError,
  RenderPendingError,
  repairDueRenders,
  syncAlertMessage,
  syncOrMarkDue,
} from '../../src/use-cases/sync-alert';
import { makeChange } from '../helpers/changes';
import { interactionSetup, seedAlert } from '../helpers/use-cases';

describe('syncAlertMessage: render leases (memory store)', () => {
  it('posts a new alert once and records what Slack shows', async () => {
    const { store, messenger, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');

    const alert = await syncAlertMessage(deps, 'A1', rev);

    expect(messenger.posts).toEqual([
      expect.objectContaining({ channel: 'C1', alertId: 'A1', text: 'open: 1 change(s)' }),
    ]);
    expect(alert).toMatchObject({ renderedRev: rev, message: { channel: 'C1', ts: messenger.posts[0]?.ts } });
    // Current already: a second call talks to nobody.
    await syncAlertMessage(deps, 'A1', rev);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.updates).toEqual([]);
  });

  it('leaves the alert to the worker holding its lease: waits, then throws RenderPendingError without posting', async () => {
    // Prepare: another worker holds the lease for 15 s.
    const { store, messenger, clock, deps } = interactionSetup('worker-2');
    const rev = await seedAlert(store, 'A1');
    const now = clock.now().getTime();
    await store.renders.acquireLease(
      'A1',
      'worker-1',
      new Date(now).toISOString(),
      new Date(now + 15_000).toISOString(),
    );

    // Act / Assess
    await expect(syncAlertMessage(deps, 'A1', rev, { waitMs: 1_000 })).rejects.toBeInstanceOf(
      RenderPendingError,
    );
    expect(messenger.posts).toEqual([]);
  });

  it('takes over the lease of a holder that died (expired longer ago than a Slack call takes), and posts once', async () => {
    const { store, messenger, clock, deps } = interactionSetup('worker-2');
    const rev = await seedAlert(store, 'A1');
    const now = clock.now().getTime();
    await store.renders.acquireLease(
      'A1',
      'worker-1',
      new Date(now - 30_000).toISOString(),
      new Date(now - 15_000).toISOString(),
    );

    await syncAlertMessage(deps, 'A1', rev);

    expect(messenger.posts.map((p) => p.alertId)).toEqual(['A1']);
    // Released after the render: the next worker gets it at once.
    expect(
      await store.renders.acquireLease(
        'A1',
        'worker-3',
        clock.now().toISOString(),
        clock.now().toISOString(),
      ),
    ).toBe(true);
  });

  it('does not take over a lease that ran out moments ago: its stalled holder may still be posting', async () => {
    // Prepare: worker-1's lease ran out 2 s ago, with its post attempt recorded and the post still in flight.
    const { store, messenger, clock, deps } = interactionSetup('worker-2');
    const rev = await seedAlert(store, 'A1');
    const now = clock.now().getTime();
    const ago = (ms: number) => new Date(now - ms).toISOString();
    await store.renders.acquireLease('A1', 'worker-1', ago(17_000), ago(2_000));
    await store.renders.markPostAttempt('A1', 'worker-1', ago(3_000));

    // Act / Assess: worker-2 waits for it, then leaves the alert to a retry instead of posting a second copy.
    await expect(syncAlertMessage(deps, 'A1', rev, { waitMs: 5_000 })).rejects.toBeInstanceOf(
      RenderPendingError,
    );
    expect(messenger.posts).toEqual([]);
  });

  it('posts nothing on a renewal that took most of the lease (a stalled process): another may take over', async () => {
    // Prepare: every lease write takes 11 s of the 15 s lease.
    const { store, messenger, clock, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    const takeLease = store.renders.takeLease.bind(store.renders);
    const renewLease = store.renders.renewLease.bind(store.renders);
    const slowly = async <T>(write: Promise<T>) => {
      const result = await write;
      clock.advance(11_000);
      return result;
    };
    const renders = {
      ...store.renders,
      takeLease: (...args: Parameters<typeof takeLease>) => slowly(takeLease(...args)),
      renewLease: (...args: Parameters<typeof renewLease>) => slowly(renewLease(...args)),
    };

    // Act / Assess
    await expect(
      syncAlertMessage({ ...deps, store: { ...store, renders } }, 'A1', rev),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(messenger.posts).toEqual([]);
  });

  it('finds a post whose answer was lost instead of posting twice', async () => {
    // Prepare: the first attempt reached Slack, then the worker crashed before recording it.
    const { store, messenger, clock, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    messenger.hangPosts = 1;
    void syncAlertMessage({ ...deps, owner: 'crashed' }, 'A1', rev).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    // The crashed holder's lease runs out, and so does the grace after it.
    clock.advance(30_000);
    const lost = await store.alerts.get('A1');
    expect(lost?.postAttemptAt).toEqual(expect.any(String));
    messenger.posts.push({ channel: 'C1', alertId: 'A1', text: 'open: 1 change(s)', ts: '1.999999' });

    // Act
    const alert = await syncAlertMessage(deps, 'A1', rev);

    // Assess: the message found is the one recorded, and updated, never posted again.
    expect(messenger.posts).toHaveLength(1);
    expect(alert.message).toEqual({ channel: 'C1', ts: '1.999999' });
    expect(messenger.updates.map((u) => u.ts)).toEqual(['1.999999']);
  });

  it('renders changes that land while Slack is being called before it lets go', async () => {
    const { store, messenger, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    messenger.beforePost = async () => {
      messenger.beforePost = undefined;
      await seedAlert(store, 'A1', [makeChange()]);
    };

    const alert = await syncAlertMessage(deps, 'A1', rev);

    expect(alert.renderedRev).toBe(alert.rev);
    expect(messenger.updates.map((u) => u.text)).toEqual(['open: 2 change(s)']);
  });

  it('an eager read is used only at the revision the lease shows: a change landing before the lease is shown', async () => {
    // Prepare: the lines are read beside taking the lease; a change lands after that read, before the lease.
    const { store, messenger, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    const takeLease = store.renders.takeLease.bind(store.renders);
    const renders = {
      ...store.renders,
      takeLease: async (...args: Parameters<typeof takeLease>) => {
        await seedAlert(store, 'A1', [makeChange()]);
        return takeLease(...args);
      },
    };

    // Act
    const alert = await syncAlertMessage({ ...deps, store: { ...store, renders } }, 'A1', rev, {
      eager: true,
    });

    // Assess: the message shows both changes, and says so at the revision it records.
    expect(messenger.posts.map((p) => p.text)).toEqual(['open: 2 change(s)']);
    expect(alert).toMatchObject({ rev: rev + 1, renderedRev: rev + 1, changeCount: 2 });
  });

  it('syncOrMarkDue marks a failed render due, and repairDueRenders finishes it later', async () => {
    // Prepare
    const { store, messenger, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    messenger.failPosts = 1;

    // Act
    await expect(syncOrMarkDue(deps, 'A1', rev)).rejects.toThrow('slack down');
    const due = await store.renders.due(10, deps.clock.now().toISOString());
    const repair = await repairDueRenders(deps);

    // Assess
    expect(due).toEqual([{ alertId: 'A1', rev }]);
    expect(repair).toEqual({ repaired: 1, failures: [] });
    expect(messenger.posts.map((p) => p.alertId)).toEqual(['A1']);
    expect(await store.renders.due(10, deps.clock.now().toISOString())).toEqual([]);
  });

  it('an alert that does not exist is AlertNotFoundError, and its render-due mark is dropped', async () => {
    const { store, deps } = interactionSetup();
    await expect(syncAlertMessage(deps, 'nope', 1)).rejects.toBeInstanceOf(AlertNotFoundError);
    await store.renders.markDue('nope', 1, deps.clock.now().toISOString());
    expect(await repairDueRenders(deps)).toEqual({ repaired: 0, failures: [] });
    expect(await store.renders.due(10, deps.clock.now().toISOString())).toEqual([]);
  });
});
