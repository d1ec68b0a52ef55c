import type { Change } from '../../src/model/change';
import { createMemoryStore } from '../../src/store/memory';
import type { SlackMessageRef, Store } from '../../src/store/ports';
import { acknowledgeAlert } from '../../src/use-cases/acknowledge';
import { type EscalationDeps, runEscalationSweep } from '../../src/use-cases/escalation-steps';
import type {
  AlertMessenger,
  Clock,
  EscalationStepDelivery,
  EscalationStepMessenger,
  RenderedMessage,
} from '../../src/use-cases/ports';
import { recordChanges } from '../../src/use-cases/record-changes';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';

/** An in-memory fake of the Slack ports: records what reached "Slack", and can lose answers on purpose. */
class FakeSlack implements AlertMessenger, EscalationStepMessenger {
  posts: { channel: string; alertId: string; ts: string }[] = [];
  updates: { ts: string; message: RenderedMessage }[] = [];
  steps: { delivery: EscalationStepDelivery; text: string }[] = [];
  /** Steps that reach Slack but whose answer is lost (a timeout after Slack posted). */
  loseStepAnswers = 0;
  /** Steps that take this long (fake clock) to be answered: a slow Slack while another sweep runs. */
  stepDelay?: () => Promise<void>;
  private counter = 0;
  async post(channel: string, _message: RenderedMessage, alertId: string): Promise<SlackMessageRef> {
    this.counter += 1;
    const ts = `1.${String(this.counter).padStart(6, '0')}`;
    this.posts.push({ channel, alertId, ts });
    return { channel, ts };
  }
  async update(ref: SlackMessageRef, message: RenderedMessage): Promise<void> {
    this.updates.push({ ts: ref.ts, message });
  }
  async notify(): Promise<void> {}
  async findPosted(channel: string, alertId: string): Promise<SlackMessageRef | undefined> {
    const post = this.posts.find((p) => p.channel === channel && p.alertId === alertId);
    return post && { channel, ts: post.ts };
  }
  async findNotified(): Promise<boolean> {
    return false;
  }
  async sendEscalationStep(delivery: EscalationStepDelivery, message: RenderedMessage): Promise<void> {
    await this.stepDelay?.();
    this.steps.push({ delivery, text: message.text });
    if (this.loseStepAnswers > 0) {
      this.loseStepAnswers -= 1;
      throw new Error('socket hang up (the step reached Slack, the answer did not)');
    }
  }
  async findEscalationStep(delivery: EscalationStepDelivery): Promise<boolean> {
    return this.steps.some(
      (s) => s.delivery.alertId === delivery.alertId && s.delivery.step === delivery.step,
    );
  }
  async permalink(ref: SlackMessageRef): Promise<string> {
    return `https://example.slack.com/archives/${ref.channel}/p${ref.ts.replace('.', '')}`;
  }
  /** The text of the alert message's latest update (what the channel sees). */
  lastUpdate(): string {
    const blocks = this.updates.at(-1)?.message.blocks ?? [];
    return JSON.stringify(blocks);
  }
}

const CHANNEL = 'C0ALERTS';
const START = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;

function setup(store: Store = createMemoryStore()) {
  let now = START;
  const clock: Clock & { set(ms: number): void } = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = START + ms;
    },
  };
  const slack = new FakeSlack();
  const deps: EscalationDeps = {
    store,
    messenger: slack,
    clock,
    owner: 'worker-1',
    render: testRenderer((content) => ({
      text: `${content.status}: ${content.lead.summary}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: content.status } }],
    })),
  };
  const record = (change: Change) =>
    recordChanges([{ change, raw: '{}' }], { ...deps, defaultChannel: CHANNEL });
  return { store, slack, clock, deps, record };
}

const critical = (overrides: Partial<Change> = {}) =>
  makeChange({ severity: 'critical', summary: 'alice opened tcp/22 to the internet', ...overrides });

describe('escalation steps (memory store)', () => {
  it('fires step 1 once at the due time, step 2 after the same time again, then stops', async () => {
    // Prepare
    const { slack, clock, deps, record } = setup();
    await record(critical());
    const alertId = slack.posts[0]?.alertId ?? '';

    // Act / Assess: not before 15 min
    clock.set(15 * MIN - 1000);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    expect(slack.steps).toHaveLength(0);

    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 1, failures: [] });
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    expect(slack.steps).toHaveLength(1);
    expect(slack.steps[0]?.delivery).toMatchObject({ alertId, step: 1, target: { kind: 'here' } });
    expect(slack.steps[0]?.text).toMatch(/^⏰ <!here> .*Critical alert not acknowledged for 15 min/);
    // The alert message announces it (an update: nobody is pinged by it).
    expect(slack.lastUpdate()).toContain('⏰ escalated to @here after 15 min');

    clock.set(29 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    clock.set(30 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 1 });
    expect(slack.steps[1]?.delivery.step).toBe(2);
    expect(slack.steps[1]?.text).toContain('still not acknowledged after 30 min');
    expect(slack.lastUpdate()).toContain('⏰ escalated again to @here after 30 min');

    for (const minutes of [45, 60, 120]) {
      clock.set(minutes * MIN);
      expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0, stopped: 0 });
    }
    expect(slack.steps).toHaveLength(2);
  });

  it('sends nothing once the alert is acknowledged, and leaves no due entry behind', async () => {
    const { store, slack, clock, deps, record } = setup();
    await record(critical());
    const alertId = slack.posts[0]?.alertId ?? '';
    clock.set(10 * MIN);

    const ack = await acknowledgeAlert(
      { ...deps, events: { publish: async () => undefined } },
      { alertId, userId: 'U1', userName: 'alice' },
    );

    expect(ack.status).toBe('acknowledged');
    expect(await store.escalationSteps.due(new Date(START + 999 * MIN).toISOString(), 10)).toEqual([]);
    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    expect(slack.steps).toHaveLength(0);
  });

  it('stops at the due time when the acknowledgement could not remove the due entry', async () => {
    // The claim's condition (no acknowledgement) is what stops the step, not the clean-up.
    const { store, slack, clock, deps, record } = setup();
    await record(critical());
    const alertId = slack.posts[0]?.alertId ?? '';
    await store.alerts.acknowledge(alertId, {
      userId: 'U1',
      userName: 'alice',
      at: clock.now().toISOString(),
    });

    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0, stopped: 1 });
    expect(slack.steps).toHaveLength(0);
  });

  it('finds a step whose answer was lost instead of sending it twice', async () => {
    const { slack, clock, deps, record } = setup();
    await record(critical());
    slack.loseStepAnswers = 1;
    clock.set(15 * MIN);

    const first = await runEscalationSweep(deps);
    clock.set(16 * MIN);
    const retry = await runEscalationSweep(deps);

    expect(first.failures).toHaveLength(1);
    expect(retry).toMatchObject({ sent: 1, failures: [] });
    expect(slack.steps).toHaveLength(1);
    expect(slack.lastUpdate()).toContain('⏰ escalated to @here after 15 min');
  });

  it('sends one step when two sweeps run at once', async () => {
    const { slack, clock, deps, record } = setup();
    await record(critical());
    clock.set(15 * MIN);
    // Slack takes a moment: the second sweep runs while the first is sending.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    slack.stepDelay = () => gate;

    const sweeps = Promise.all([
      runEscalationSweep({ ...deps, owner: 'sweep-a' }),
      runEscalationSweep({ ...deps, owner: 'sweep-b' }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const results = await sweeps;

    expect(slack.steps).toHaveLength(1);
    expect(results.map((r) => r.sent).sort()).toEqual([0, 1]);
  });

  it('never escalates a muted change', async () => {
    const { store, slack, clock, deps, record } = setup();
    await store.config.putMute({
      channel: CHANNEL,
      type: 'watch',
      value: 'security-groups',
      setBy: 'U1',
      setAt: clock.now().toISOString(),
      expiresAt: new Date(START + 24 * 60 * MIN).toISOString(),
    });

    await record(critical());
    clock.set(15 * MIN);

    expect(slack.posts).toHaveLength(0);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    expect(slack.steps).toHaveLength(0);
  });

  it('stops pending steps when the change is muted after it was posted', async () => {
    const { store, slack, clock, deps, record } = setup();
    await record(critical());
    await store.config.putMute({
      channel: CHANNEL,
      type: 'actor',
      value: 'arn:aws:iam::123456789012:user/alice',
      setBy: 'U1',
      setAt: clock.now().toISOString(),
      expiresAt: new Date(START + 24 * 60 * MIN).toISOString(),
    });

    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0, stopped: 1 });
    clock.set(30 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0, stopped: 0 });
    expect(slack.steps).toHaveLength(0);
  });

  it("follows the channel's policy: severity, wait and targets (step 2 to the second target)", async () => {
    const { store, slack, clock, deps, record } = setup();
    await store.config.putEscalation({
      channel: CHANNEL,
      policy: {
        severity: 'warning',
        afterMs: 5 * MIN,
        targets: [
          { kind: 'user', id: 'U0ONCALL' },
          { kind: 'usergroup', id: 'S0LEADS' },
        ],
      },
      setBy: 'U1',
      setAt: clock.now().toISOString(),
    });
    await record(makeChange({ severity: 'info' }));
    await record(
      makeChange({ severity: 'warning', actor: { ...makeChange().actor, arn: 'arn:aws:iam::1:user/bob' } }),
    );

    clock.set(5 * MIN);
    await runEscalationSweep(deps);
    clock.set(10 * MIN);
    await runEscalationSweep(deps);

    expect(slack.steps).toHaveLength(2);
    expect(slack.steps[0]?.text).toMatch(/^⏰ <@U0ONCALL> .*Warning alert not acknowledged for 5 min/);
    expect(slack.steps[1]?.text).toMatch(/^⏰ <!subteam\^S0LEADS> .*still not acknowledged after 10 min/);
    expect(slack.steps.every((s) => s.delivery.alertId === slack.posts[1]?.alertId)).toBe(true);
  });

  it('escalates nothing in a channel that turned escalation off, pending steps included', async () => {
    const { store, slack, clock, deps, record } = setup();
    await record(critical());
    await store.config.putEscalation({
      channel: CHANNEL,
      policy: null,
      setBy: 'U1',
      setAt: clock.now().toISOString(),
    });
    await record(critical({ actor: { ...makeChange().actor, arn: 'arn:aws:iam::1:user/bob' } }));

    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0, stopped: 1 });
    expect(slack.steps).toHaveLength(0);
  });

  it('starts the clock when a burst turns critical, not when it was first posted', async () => {
    const { slack, clock, deps, record } = setup();
    await record(makeChange({ severity: 'info', time: '2026-11-27T10:00:00Z' }));
    clock.set(10 * MIN);
    await record(critical({ time: '2026-11-27T10:00:30Z' }));
    expect(slack.posts).toHaveLength(1);

    clock.set(15 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 0 });
    clock.set(25 * MIN);
    expect(await runEscalationSweep(deps)).toMatchObject({ sent: 1 });
  });

  it('posts a step for a channel target in that channel, linking to the alert', async () => {
    const { store, slack, clock, deps, record } = setup();
    await store.config.putEscalation({
      channel: CHANNEL,
      policy: { severity: 'critical', afterMs: 15 * MIN, targets: [{ kind: 'channel', id: 'C0SECOPS' }] },
      setBy: 'U1',
      setAt: clock.now().toISOString(),
    });
    await record(critical());
    clock.set(15 * MIN);

    await runEscalationSweep(deps);

    expect(slack.steps[0]?.delivery.target).toEqual({ kind: 'channel', id: 'C0SECOPS' });
    expect(slack.steps[0]?.text).toContain('alert in <#C0ALERTS> not acknowledged for 15 min');
    expect(slack.steps[0]?.text).toContain('<https://example.slack.com/archives/C0ALERTS/p1000001|');
  });
});
