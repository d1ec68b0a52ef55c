import { describeChange } from '../../src/changes/describe';
import { createMemoryStore } from '../../src/store/memory';
import { createMemoryPipeline } from '../../src/store/memory/pipeline';
import type { SlackMessageRef } from '../../src/store/ports';
import { createActivityRecorder } from '../../src/use-cases/activity';
import type { AlertMessenger, Clock, RenderedMessage } from '../../src/use-cases/ports';
import { type ReconcileDeps, reconcileTargets } from '../../src/use-cases/reconcile';
import { recordChanges } from '../../src/use-cases/record-changes';
import { builtInCatalog } from '../../src/watches/catalog';
import { fixtureHistory } from '../helpers/cloudtrail-history';
import { corpusEvent, type EventBridgeEvent, variant } from '../helpers/events';
import { testRenderer } from '../helpers/renderers';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const HOME = { account: '123456789012', region: 'eu-west-1' };
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString().replace(/\.000Z$/, 'Z');

/** The part of Slack the use case needs: posts and updates, findable by alert id. */
function slackFake(): AlertMessenger & { posts: { alertId: string; text: string }[]; updates: number } {
  const posts: { alertId: string; text: string; ts: string }[] = [];
  return {
    posts,
    updates: 0,
    async post(channel: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef> {
      const ts = `1.${String(posts.length + 1).padStart(6, '0')}`;
      posts.push({ alertId, text: message.text, ts });
      return { channel, ts };
    },
    async update() {
      this.updates += 1;
    },
    async notify() {},
    async findPosted(channel, alertId) {
      const post = posts.find((p) => p.alertId === alertId);
      return post && { channel, ts: post.ts };
    },
    async findNotified() {
      return false;
    },
  };
}

function setup(options: { pageSize?: number } = {}) {
  let now = NOW;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  const store = createMemoryStore();
  const pipeline = createMemoryPipeline(async (id) => (await store.changes.get(id)) !== undefined);
  const messenger = slackFake();
  const history = fixtureHistory(clock, options);
  const record = {
    store,
    messenger,
    clock,
    owner: 'reconcile-1',
    render: testRenderer((content) => ({
      text: `${(content.summary?.recovered ?? content.lines.filter((l) => l.recovered).length) > 0 ? '[recovered] ' : ''}${content.lead.summary}`,
      blocks: [],
    })),
    defaultChannel: 'C0ALERTS',
    activity: createActivityRecorder(pipeline),
  };
  const deps: ReconcileDeps = { record, pipeline, history: history.port, catalog: builtInCatalog };
  /** What the events function does with a delivered event. */
  const deliver = (event: EventBridgeEvent) =>
    recordChanges([{ change: describeChange(event, builtInCatalog), raw: JSON.stringify(event) }], record);
  return {
    store,
    pipeline,
    messenger,
    history,
    deps,
    clock,
    sleeps,
    deliver,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const ssh = (index: number, time: string) =>
  variant(corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json'), index, time);
const stopLogging = (index: number, time: string) =>
  variant(corpusEvent('cloudtrail.StopLogging.json'), index, time);

function readOnlyCall(index: number, time: string): EventBridgeEvent {
  const event = ssh(index, time);
  event.detail.eventName = 'DescribeSecurityGroups';
  event.detail.readOnly = true;
  return event;
}

function unwatchedWrite(index: number, time: string): EventBridgeEvent {
  const event = ssh(index, time);
  event.source = 'aws.sqs';
  event.detail.eventSource = 'sqs.amazonaws.com';
  event.detail.eventName = 'CreateQueue';
  return event;
}

describe('reconcileTargets (memory store, CloudTrail history from fixtures)', () => {
  it('records a watched change EventBridge never delivered, once, marked as recovered', async () => {
    // Prepare: CloudTrail logged four calls; EventBridge delivered the first only.
    const { deps, history, messenger, store, deliver } = setup();
    const delivered = ssh(1, at(-40));
    const lost = stopLogging(2, at(-30));
    for (const event of [delivered, lost, readOnlyCall(3, at(-25)), unwatchedWrite(4, at(-20))])
      history.logged(HOME, event);
    await deliver(delivered);
    expect(messenger.posts).toHaveLength(1);

    // Act
    const [outcome] = await reconcileTargets([HOME], deps);

    // Assess: the window [now-45m, now-15m) was read; only the lost change was recorded, as recovered.
    expect(outcome).toMatchObject({
      status: 'reconciled',
      window: { from: '2026-12-01T11:15:00.000Z', to: '2026-12-01T11:45:00.000Z' },
      requests: 1,
      records: 3, // ReadOnly=false leaves the read-only call out
      watched: 2,
      recovered: [lost.detail.eventID],
      rejected: 0,
    });
    expect(messenger.posts).toHaveLength(2);
    expect(messenger.posts[1]?.text).toMatch(/^\[recovered\] /);
    expect(messenger.posts[0]?.text).not.toMatch(/recovered/);
    const stored = await store.changes.get(String(lost.detail.eventID));
    expect(JSON.parse(stored?.raw ?? '{}')).toMatchObject({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.cloudtrail',
      account: lost.account,
      region: lost.detail.awsRegion,
      detail: lost.detail,
    });
  });

  it('ignores the late EventBridge delivery of a recovered change: stored once, posted once, still marked', async () => {
    // Prepare
    const { deps, history, messenger, store, deliver } = setup();
    const lost = ssh(1, at(-30));
    history.logged(HOME, lost);
    await reconcileTargets([HOME], deps);
    expect(messenger.posts).toHaveLength(1);

    // Act: EventBridge delivers it after all (twice: at least once).
    const late = [await deliver(lost), await deliver(lost)];

    // Assess
    expect(late.map((results) => results.get(String(lost.detail.eventID))?.ok)).toEqual([true, true]);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.posts[0]?.text).toMatch(/^\[recovered\] /);
    const [alert] = await store.alerts.listOpen('C0ALERTS', '2026-01-01T00:00:00Z');
    const lines = await store.alerts.lines(alert?.id ?? '');
    expect(lines).toEqual([expect.objectContaining({ id: lost.detail.eventID, recovered: true })]);
  });

  it('reads the overlap again on the next run without recording anything twice', async () => {
    // Prepare
    const { deps, history, messenger, advance, pipeline } = setup();
    history.logged(HOME, ssh(1, at(-30)));
    await reconcileTargets([HOME], deps);

    // Act: 15 minutes later; CloudTrail shows one more call, late, inside the previous window.
    advance(15 * 60_000);
    history.logged(HOME, stopLogging(2, at(-25)));
    const [second] = await reconcileTargets([HOME], deps);

    // Assess: the run starts at the mark minus the overlap and recovers only the late one.
    expect(second?.window).toEqual({ from: '2026-12-01T11:30:00.000Z', to: '2026-12-01T12:00:00.000Z' });
    expect(second?.recovered).toHaveLength(1);
    expect(messenger.posts).toHaveLength(2);
    expect(await pipeline.claimReconcile(HOME, 'next', at(100), at(120))).toEqual({
      reconciledUntil: '2026-12-01T12:00:00.000Z',
    });
  });

  it('pages through the whole window with NextToken', async () => {
    // Prepare: 120 watched calls, pages of 50.
    const { deps, history, store } = setup({ pageSize: 50 });
    for (let i = 0; i < 120; i++) history.logged(HOME, ssh(i, at(-44 + i / 10)));

    // Act
    const [outcome] = await reconcileTargets([HOME], deps);

    // Assess
    expect(outcome).toMatchObject({ requests: 3, records: 120, watched: 120 });
    expect(outcome?.recovered).toHaveLength(120);
    expect(history.calls.map((call) => call.nextToken === undefined)).toEqual([true, false, false]);
    expect((await store.changes.get(String(ssh(0, at(0)).detail.eventID)))?.change.id).toBe(
      String(ssh(0, at(0)).detail.eventID),
    );
  });

  it('keeps within 2 LookupEvents requests per second per account and region, on the clock', async () => {
    // Prepare: 10 pages in each of two regions.
    const { deps, history, sleeps } = setup({ pageSize: 5 });
    const other = { account: HOME.account, region: 'us-east-1' };
    for (let i = 0; i < 50; i++) {
      history.logged(HOME, unwatchedWrite(i, at(-40)));
      history.logged(other, unwatchedWrite(100 + i, at(-40)));
    }

    // Act
    await reconcileTargets([HOME, other], deps);

    // Assess: per target, no one-second window holds more than 2 requests; the regions do not wait on each other.
    for (const target of [HOME, other]) {
      const times = history.calls.filter((call) => call.target === target).map((call) => call.at);
      expect(times).toHaveLength(10);
      for (const time of times)
        expect(times.filter((t) => t >= time && t < time + 1000).length).toBeLessThanOrEqual(2);
    }
    expect(sleeps.length).toBeGreaterThan(0);
    expect(Math.max(...history.calls.map((c) => c.at)) - NOW).toBeLessThan(10 * 500);
  });

  it('leaves a target another run holds alone, and starts again at once after a failed run', async () => {
    // Prepare
    const { deps, history, pipeline, messenger } = setup();
    history.logged(HOME, ssh(1, at(-30)));
    await pipeline.claimReconcile(HOME, 'other-run', at(0), at(10));

    // Act + Assess: busy while the other run's lease lasts.
    expect((await reconcileTargets([HOME], deps))[0]?.status).toBe('busy');
    expect(history.calls).toHaveLength(0);
    await pipeline.releaseReconcile(HOME, 'other-run');

    // Act + Assess: CloudTrail fails: nothing recorded, the mark stays, the claim is released.
    history.failNext();
    const [failed] = await reconcileTargets([HOME], deps);
    expect(failed?.status).toBe('failed');
    expect(await pipeline.claimReconcile(HOME, 'probe', at(0), at(1))).toEqual({});
    await pipeline.releaseReconcile(HOME, 'probe');

    // Act + Assess: the next run reads the same window and recovers the change.
    const [retry] = await reconcileTargets([HOME], deps);
    expect(retry).toMatchObject({ status: 'reconciled', window: failed?.window });
    expect(messenger.posts).toHaveLength(1);
  });

  it('stops before the deadline without moving the mark, and reports a gap after a long outage', async () => {
    // Prepare: a mark 3 days back; the invocation has no time left.
    const { deps, history, pipeline } = setup();
    await pipeline.claimReconcile(HOME, 'old', at(-5000), at(-4990));
    await pipeline.advanceReconcile(HOME, 'old', at(-3 * 24 * 60));
    await pipeline.releaseReconcile(HOME, 'old');
    history.logged(HOME, ssh(1, at(-30)));

    // Act
    const [late] = await reconcileTargets([HOME], { ...deps, deadline: NOW });

    // Assess
    expect(late).toMatchObject({ status: 'incomplete', requests: 0, gapBefore: '2026-11-30T11:45:00.000Z' });
    expect(await pipeline.claimReconcile(HOME, 'probe', at(0), at(1))).toEqual({
      reconciledUntil: at(-3 * 24 * 60),
    });
  });
});
