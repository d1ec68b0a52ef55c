import type { Change } from '../../src/model/change';
import { createMemoryStore } from '../../src/store/memory';
import type { SlackMessageRef } from '../../src/store/ports';
import { PENDING_RENDER_AT } from '../../src/store/ports/alerts';
import { finishRender, type RenderFinisher, type RenderRequest } from '../../src/use-cases/coalesce-renders';
import type { RenderedMessage } from '../../src/use-cases/ports';
import { afterRender, type RecordChangesDeps, recordChanges } from '../../src/use-cases/record-changes';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';
import { manualClock, RecordingMessenger } from '../helpers/use-cases';

/** A renders queue that holds what is scheduled until the test delivers it (as SQS would, after the delay). */
class HeldQueue implements RenderFinisher {
  held: { request: RenderRequest; delayMs: number }[] = [];
  async schedule(request: RenderRequest, delayMs: number): Promise<void> {
    this.held.push({ request, delayMs });
  }
  take(): RenderRequest[] {
    return this.held.splice(0).map(({ request }) => request);
  }
}

/** Slack takes the post, and the answer is lost on the way back (a timeout): `lose` times. */
class LostAnswerMessenger extends RecordingMessenger {
  losePosts = 0;
  loseUpdates = 0;
  override async post(channel: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef> {
    const ref = await super.post(channel, message, alertId);
    if (this.losePosts-- > 0) throw new Error('socket hang up');
    return ref;
  }
  override async update(ref: SlackMessageRef, message: RenderedMessage): Promise<void> {
    await super.update(ref, message);
    if (this.loseUpdates-- > 0) throw new Error('socket hang up');
  }
}

function setup() {
  const clock = manualClock();
  const store = createMemoryStore();
  const messenger = new LostAnswerMessenger();
  const queue = new HeldQueue();
  const deps: RecordChangesDeps = {
    store,
    messenger,
    clock,
    owner: 'worker-1',
    render: testRenderer(),
    defaultChannel: 'C1',
    finisher: queue,
  };
  const record = (changes: Change[]) =>
    recordChanges(
      changes.map((change) => ({ change, raw: '{}' })),
      deps,
    );
  const finish = (request: RenderRequest) =>
    finishRender(deps, request, async (alert) =>
      afterRender(deps, alert, await store.config.load(clock.now().toISOString())),
    );
  const slackCalls = () => messenger.posts.length + messenger.updates.length;
  return { store, messenger, queue, clock, deps, record, finish, slackCalls };
}

/** Changes of one burst (one actor, one watch), seconds apart. */
const burstOf = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    makeChange({ time: new Date(Date.parse('2026-11-27T09:00:00Z') + (from + i) * 1000).toISOString() }),
  );

describe('coalesced renders across invocations', () => {
  it('shows every line of changes that arrive while a render window is open, with one finisher', async () => {
    // Prepare
    const { store, messenger, queue, clock, record, finish, slackCalls } = setup();
    const changes = burstOf(8);
    // Act: eight invocations 100 ms apart, one change each
    for (const change of changes) {
      expect((await record([change])).get(change.id)).toMatchObject({ ok: true });
      clock.advance(100);
    }
    // Assess: the post, one update that opened the window, the rest waiting for one finisher
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.updates).toHaveLength(1);
    const requests = queue.take();
    expect(requests).toHaveLength(1);
    expect(queue.held).toHaveLength(0);
    // The finisher's safety net: a render-due mark that repairs take only long after the window.
    const muchLater = new Date(clock.now().getTime() + 3_600_000).toISOString();
    expect(await store.renders.due(10, clock.now().toISOString())).toEqual([]);
    expect(await store.renders.due(10, muchLater)).toHaveLength(1);
    // Act: the window closes, the finisher arrives
    clock.advance(1_000);
    for (const request of requests) await finish(request);
    // Assess: the finisher rendered, so its safety net is gone
    expect(await store.renders.due(10, muchLater)).toEqual([]);
    // Assess: the message shows all eight changes, after three Slack calls instead of eight
    const alertId = messenger.posts[0]?.alertId ?? '';
    const alert = await store.alerts.get(alertId);
    expect(alert).toMatchObject({ changeCount: 8 });
    expect(alert?.renderedRev).toBe(alert?.rev);
    expect(messenger.updates.at(-1)?.text).toMatch(/^8 change\(s\)/);
    expect(slackCalls()).toBe(3);
  });

  it('renders at once, window or not, an alert whose pending lines reach PENDING_RENDER_AT', async () => {
    // Prepare: the post, then an update that opens a render window
    const { store, messenger, clock, record } = setup();
    const changes = burstOf(2 + PENDING_RENDER_AT);
    await record(changes.slice(0, 1));
    await record(changes.slice(1, 2));
    const updates = messenger.updates.length;
    // Act: batches of 10 inside the window, until the alert holds PENDING_RENDER_AT pending lines
    for (let i = 2; i < changes.length; i += 10) {
      clock.advance(100);
      await record(changes.slice(i, i + 10));
    }
    // Assess: the windows held back the first batches; the one that filled the pending lines rendered them
    expect(messenger.updates).toHaveLength(updates + 1);
    const alert = await store.alerts.get(messenger.posts[0]?.alertId ?? '');
    expect(alert).toMatchObject({ changeCount: changes.length, pendingLines: [] });
    expect(alert?.renderedRev).toBe(alert?.rev);
  });

  it('a change that joins after the finisher started schedules a finisher of its own', async () => {
    const { messenger, queue, clock, record, finish } = setup();
    const [a, b, c, d] = burstOf(4);
    for (const change of [a, b, c]) if (change) await record([change]);
    const [first] = queue.take();
    // The finisher opens the next window before it renders: a change appended now must not be lost.
    clock.advance(1_000);
    if (first) await finish(first);
    if (d) await record([d]);
    const [second] = queue.take();
    expect(second).toMatchObject({ streak: 1 });
    clock.advance(2_000);
    if (second) await finish(second);
    expect(messenger.updates.at(-1)?.text).toMatch(/^4 change\(s\)/);
  });

  it('a finisher delivered twice, or whose update answer was lost, renders nothing twice and posts once', async () => {
    const { store, messenger, queue, clock, record, finish } = setup();
    const changes = burstOf(4);
    for (const change of changes) await record([change]);
    const [request] = queue.take();
    if (!request) throw new Error('no finisher scheduled');
    clock.advance(1_000);
    messenger.loseUpdates = 1;
    await expect(finish(request)).rejects.toThrow('socket hang up');
    // SQS delivers it again (twice, even): the message is brought up to date once more, never posted again.
    await finish(request);
    const updates = messenger.updates.length;
    await finish(request);
    expect(messenger.updates).toHaveLength(updates);
    expect(messenger.posts).toHaveLength(1);
    const alert = await store.alerts.get(messenger.posts[0]?.alertId ?? '');
    expect(alert).toMatchObject({ changeCount: 4 });
    expect(alert?.renderedRev).toBe(alert?.rev);
  });

  it('a finisher that finds the post of a lost answer updates that message instead of posting again', async () => {
    const { messenger, queue, clock, record, finish } = setup();
    const [a, b] = burstOf(2);
    if (!a || !b) throw new Error('no changes');
    // The first post fails outright; the second reaches Slack, but its answer is lost: both changes fail.
    messenger.failPosts = 1;
    expect((await record([a])).get(a.id)).toMatchObject({ ok: false });
    messenger.losePosts = 1;
    expect((await record([b])).get(b.id)).toMatchObject({ ok: false });
    expect(messenger.posts).toHaveLength(1);
    // SQS redelivers both inside the render window: they are left to one finisher.
    const retried = await record([a, b]);
    expect([...retried.values()].every((result) => result.ok)).toBe(true);
    const requests = queue.take();
    expect(requests).toHaveLength(1);
    clock.advance(1_000);
    for (const request of requests) await finish(request);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.updates.at(-1)?.text).toMatch(/^2 change\(s\)/);
  });
});
