import { investigateAlert, showInvestigation } from '../../src/use-cases/investigate';
import { syncAlertMessage } from '../../src/use-cases/sync-alert';
import { makeChange } from '../helpers/changes';
import { interactionSetup, seedAlert } from '../helpers/use-cases';

const BOB = { userId: 'U0BOB', userName: 'bob' };

describe('investigateAlert (memory store)', () => {
  it("marks who investigates and gathers the raw event and the actor's other changes this channel received", async () => {
    // Prepare: alice's alert in C1, two more of her changes delivered to C1, one only to C2.
    const { store, deps } = interactionSetup();
    const lead = makeChange({ time: '2026-11-27T09:50:00Z' });
    await seedAlert(store, 'A1', [lead]);
    const earlier = makeChange({ time: '2026-11-27T08:00:00Z' });
    const later = makeChange({ time: '2026-11-27T09:55:00Z' });
    const elsewhere = makeChange({ time: '2026-11-27T09:00:00Z' });
    await seedAlert(store, 'A2', [earlier, later]);
    await seedAlert(store, 'B1', [elsewhere], 'C2');
    for (const change of [earlier, later])
      await store.deliveries.claim({
        eventId: change.id,
        channel: 'C1',
        kind: 'alert',
        alertId: 'A2',
        at: change.time,
      });
    await store.deliveries.claim({
      eventId: elsewhere.id,
      channel: 'C2',
      kind: 'alert',
      alertId: 'B1',
      at: elsewhere.time,
    });

    // Act
    const found = await investigateAlert(deps, { ...BOB, alertId: 'A1' });

    // Assess
    expect(found?.alert.investigation).toEqual({ ...BOB, at: '2026-11-27T10:00:00.000Z' });
    expect(found?.raw).toBe(JSON.stringify({ id: lead.id }));
    expect(found?.content.lines.map((l) => l.id)).toEqual([lead.id]);
    expect(found?.related.map((l) => l.id)).toEqual([earlier.id, later.id]);
  });

  it('shows the investigator on the message, and an acknowledged alert stays as it is', async () => {
    const { store, messenger, deps } = interactionSetup();
    const rev = await seedAlert(store, 'A1');
    await syncAlertMessage(deps, 'A1', rev);

    const found = await investigateAlert(deps, { ...BOB, alertId: 'A1' });
    if (!found) throw new Error('alert A1 not found');
    await showInvestigation(deps, found);
    expect(messenger.updates.map((u) => u.text)).toEqual(['investigating: 1 change(s)']);

    await store.alerts.acknowledge('A1', {
      userId: 'U0ALICE',
      userName: 'alice',
      at: '2026-11-27T10:00:00Z',
    });
    const again = await investigateAlert(deps, { ...BOB, alertId: 'A1' });
    if (!again) throw new Error('alert A1 not found');
    await showInvestigation(deps, again);
    expect(again.alert.investigation).toBeUndefined();
    expect(messenger.updates).toHaveLength(1);
  });

  it('finds nothing for an alert that does not exist', async () => {
    const { deps } = interactionSetup();
    expect(await investigateAlert(deps, { ...BOB, alertId: 'nope' })).toBeUndefined();
  });
});
