import { burstKeyOf } from '../../src/changes/burst';
import { ACKNOWLEDGED_DETAIL_TYPE, acknowledgeAlert } from '../../src/use-cases/acknowledge';
import type { AlertMessenger, RenderedMessage } from '../../src/use-cases/ports';
import { syncAlertMessage } from '../../src/use-cases/sync-alert';
import { ACTION_IDS, parseAlertRef, renderAlertContent } from '../../src/views';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';
import { STORE_KINDS, useStores } from '../helpers/stores';
import { interactionSetup, seedAlert } from '../helpers/use-cases';

const ALICE = { userId: 'U0ALICE', userName: 'alice' };
const BOB = { userId: 'U0BOB', userName: 'bob' };

/** An alert A1 whose message shows its latest changes (posted once). */
async function postedAlert() {
  const setup = interactionSetup();
  const changes = [
    makeChange({ time: '2026-11-27T09:59:00Z' }),
    makeChange({ time: '2026-11-27T09:59:30Z' }),
  ];
  const rev = await seedAlert(setup.store, 'A1', changes);
  await syncAlertMessage(setup.deps, 'A1', rev);
  return { ...setup, changes };
}

describe('acknowledgeAlert (memory store)', () => {
  it('records the first click, updates the message to acknowledged and publishes the event with every change', async () => {
    // Prepare
    const { store, messenger, events, deps, changes } = await postedAlert();

    // Act
    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1', note: 'expected' });

    // Assess
    expect(outcome).toMatchObject({ status: 'acknowledged', problems: [] });
    expect((await store.alerts.get('A1'))?.acknowledgement).toEqual({
      ...ALICE,
      at: '2026-11-27T10:00:00.000Z',
      note: 'expected',
    });
    expect(messenger.updates.map((u) => u.text)).toEqual(['acknowledged: 2 change(s)']);
    expect(events.published).toEqual([
      {
        detailType: ACKNOWLEDGED_DETAIL_TYPE,
        detail: expect.objectContaining({
          alertId: 'A1',
          channel: 'C1',
          eventIds: changes.map((c) => c.id).sort(),
          acknowledgedBy: ALICE,
          note: 'expected',
          message: { channel: 'C1', ts: messenger.posts[0]?.ts },
        }),
      },
    ]);
  });

  it('a click from another channel acknowledges nothing, updates nothing and publishes nothing', async () => {
    // Prepare
    const { store, messenger, events, deps } = await postedAlert();

    // Act
    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1', channel: 'C0ELSEWHERE' });

    // Assess
    expect(outcome).toEqual({ status: 'not-found' });
    expect((await store.alerts.get('A1'))?.acknowledgement).toBeUndefined();
    expect(messenger.updates).toEqual([]);
    expect(events.published).toEqual([]);
    expect(await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1', channel: 'C1' })).toMatchObject({
      status: 'acknowledged',
    });
  });

  it('a second click (or a second clicker) is told who acknowledged first; nothing changes', async () => {
    const { messenger, events, deps } = await postedAlert();
    await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    const second = await acknowledgeAlert(deps, { ...BOB, alertId: 'A1' });

    expect(second).toEqual({
      status: 'already-acknowledged',
      acknowledgement: { ...ALICE, at: '2026-11-27T10:00:00.000Z' },
    });
    expect(messenger.updates).toHaveLength(1);
    expect(events.published).toHaveLength(1);
  });

  it('updates the message before anything the clicker does not wait for, and finishes all of it before answering', async () => {
    // Prepare: the event publisher and the burst store note whether the message was updated when called.
    const { store, messenger, events, deps } = await postedAlert();
    const seen: string[] = [];
    const publish = events.publish.bind(events);
    events.publish = async (...args) => {
      seen.push(`publish after ${messenger.updates.length} update(s)`);
      await publish(...args);
    };
    const close = store.bursts.close.bind(store.bursts);
    store.bursts.close = async (...args) => {
      seen.push(`burst closed after ${messenger.updates.length} update(s)`);
      return close(...args);
    };

    // Act
    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    // Assess: both ran, after the update, and before acknowledgeAlert returned.
    expect(outcome).toMatchObject({ status: 'acknowledged', problems: [] });
    expect(seen.sort()).toEqual(['burst closed after 1 update(s)', 'publish after 1 update(s)']);
    expect(events.published).toHaveLength(1);
  });

  it('still publishes and ends the burst when the Slack update fails', async () => {
    const { messenger, events, deps } = await postedAlert();
    messenger.failUpdates = 1;

    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    expect(outcome).toMatchObject({
      status: 'acknowledged',
      problems: [{ what: 'the Slack message could not be updated yet' }],
    });
    expect(events.published).toHaveLength(1);
  });

  it('ends the burst group, so the next change by the same actor starts a new alert', async () => {
    const { store, deps } = await postedAlert();
    const alert = await store.alerts.get('A1');
    const key = burstKeyOf({
      watch: alert?.watch ?? null,
      account: alert?.account ?? '',
      actorKey: alert?.actorKey ?? '',
    });
    await store.bursts.save(
      { channel: 'C1', key, alertId: 'A1', firstAt: 'x', lastAt: 'x', count: 2, version: 1 },
      undefined,
    );

    await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    expect(await store.bursts.get('C1', key)).toBeUndefined();
  });

  it('acknowledges nothing while the message is behind, and brings the message up to date', async () => {
    // Prepare: a third change lands after the message was rendered.
    const { store, messenger, events, deps } = await postedAlert();
    await seedAlert(store, 'A1', [makeChange({ time: '2026-11-27T09:59:50Z' })]);

    // Act
    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    // Assess
    expect(outcome).toEqual({ status: 'changed' });
    expect((await store.alerts.get('A1'))?.acknowledgement).toBeUndefined();
    expect(messenger.updates.map((u) => u.text)).toEqual(['open: 3 change(s)']);
    expect(events.published).toEqual([]);
    // The next click acknowledges what the message now shows.
    expect(await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' })).toMatchObject({
      status: 'acknowledged',
    });
  });

  it('keeps the acknowledgement when Slack or EventBridge fails, says what failed, and leaves the message to the repair', async () => {
    // Prepare
    const { store, messenger, events, deps } = await postedAlert();
    messenger.failUpdates = 1;
    events.fail = true;

    // Act
    const outcome = await acknowledgeAlert(deps, { ...ALICE, alertId: 'A1' });

    // Assess
    expect(outcome).toMatchObject({
      status: 'acknowledged',
      problems: [
        { what: 'the Slack message could not be updated yet', error: expect.any(Error) },
        { what: 'the acknowledgement event could not be published', error: expect.any(Error) },
      ],
    });
    const alert = await store.alerts.get('A1');
    expect(alert?.acknowledgement?.userId).toBe(ALICE.userId);
    expect(await store.renders.due(10, new Date().toISOString())).toEqual([
      { alertId: 'A1', rev: alert?.rev },
    ]);
  });

  it('answers not-found for an alert that does not exist', async () => {
    const { deps } = interactionSetup();
    expect(await acknowledgeAlert(deps, { ...ALICE, alertId: 'nope' })).toEqual({ status: 'not-found' });
  });
});

/** What the Acknowledge button of a rendered message carries, read back as a click would send it. */
function acknowledgeRefOf(message: RenderedMessage | undefined) {
  const button = (message?.blocks ?? [])
    .flatMap((block) => (block.type === 'actions' ? block.elements : []))
    .find((element) => element.action_id === ACTION_IDS.acknowledge);
  const ref = parseAlertRef(button?.type === 'button' ? (button.value ?? '') : '');
  if (!ref) throw new Error('no Acknowledge button');
  return ref;
}

describe.each(STORE_KINDS)('acknowledgeAlert acknowledges the revision the click saw, on %s', (kind) => {
  const stores = useStores(kind);

  it('refuses a click from the message before the latest render; the click from the latest one acknowledges', async () => {
    // Prepare: real messages (the views), so the clicks carry what the buttons carry.
    const setup = interactionSetup('worker-1', await stores.fresh());
    const shown: RenderedMessage[] = [];
    const slack = setup.messenger;
    const messenger: AlertMessenger = {
      post: (channel, message, alertId) => {
        shown.push(message);
        return slack.post(channel, message, alertId);
      },
      update: (ref, message) => {
        shown.push(message);
        return slack.update(ref, message);
      },
      notify: (ref, message, escalation) => slack.notify(ref, message, escalation),
      findPosted: (channel, alertId) => slack.findPosted(channel, alertId),
      findNotified: (ref, escalation) => slack.findNotified(ref, escalation),
    };
    const deps = { ...setup.deps, messenger, render: testRenderer((content) => renderAlertContent(content)) };
    const first = makeChange({ time: '2026-11-27T09:59:00Z' });
    const second = makeChange({ time: '2026-11-27T09:59:30Z', severity: 'critical' });
    await syncAlertMessage(deps, 'A1', await seedAlert(setup.store, 'A1', [first]));
    const seen = acknowledgeRefOf(shown.at(-1));
    // A second change is appended and rendered while the person still looks at the first message.
    await syncAlertMessage(deps, 'A1', await seedAlert(setup.store, 'A1', [second]));
    const latest = acknowledgeRefOf(shown.at(-1));
    expect(seen).toEqual({ alertId: 'A1', shownRev: 1 });
    expect(latest).toEqual({ alertId: 'A1', shownRev: 2 });

    // Act
    const stale = await acknowledgeAlert(deps, { ...ALICE, ...seen, channel: 'C1' });
    const afterStale = await setup.store.alerts.get('A1');
    const current = await acknowledgeAlert(deps, { ...BOB, ...latest, channel: 'C1' });

    // Assess
    expect(stale).toEqual({ status: 'changed' });
    expect(afterStale?.acknowledgement).toBeUndefined();
    expect(current).toMatchObject({ status: 'acknowledged', eventIds: [first.id, second.id].sort() });
    expect((await setup.store.alerts.get('A1'))?.acknowledgement?.userId).toBe(BOB.userId);
    expect(setup.events.published.map((event) => event.detail.acknowledgedBy)).toEqual([BOB]);
  });
});
