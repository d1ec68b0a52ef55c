import type { Change } from '../../src/model/change';
import { createMemoryStore } from '../../src/store/memory';
import type { SlackMessageRef, Store } from '../../src/store/ports';
import {
  ACTOR_ANSWERED_DETAIL_TYPE,
  type ActorDirectory,
  type ActorQuestionMessenger,
  type AnswerDeps,
  answerActorCheck,
} from '../../src/use-cases/actor-check';
import type { RenderedMessage } from '../../src/use-cases/ports';
import { recordChanges } from '../../src/use-cases/record-changes';
import { collectStats, exportRows } from '../../src/use-cases/review';
import { makeChange } from '../helpers/changes';
import { testRenderer } from '../helpers/renderers';
import { manualClock, RecordingMessenger, recordingPublisher } from '../helpers/use-cases';

/** The question's part of "Slack": DMs and "not theirs" replies, with answers that can be lost on purpose. */
class FakeQuestions implements ActorQuestionMessenger {
  dms: { userId: string; alertId: string; text: string; ts: string }[] = [];
  denied: { alert: SlackMessageRef; alertId: string; text: string }[] = [];
  /** Sends that reach Slack but whose answer is lost (a timeout after Slack posted). */
  loseAnswers = 0;
  private counter = 0;
  private lose(): void {
    if (this.loseAnswers > 0) {
      this.loseAnswers -= 1;
      throw new Error('socket hang up (Slack posted, the answer was lost)');
    }
  }
  async askActor(userId: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef> {
    this.counter += 1;
    const ts = `9.${String(this.counter).padStart(6, '0')}`;
    this.dms.push({ userId, alertId, text: message.text, ts });
    this.lose();
    return { channel: `D${userId}`, ts };
  }
  async findActorQuestion(userId: string, alertId: string): Promise<SlackMessageRef | undefined> {
    const dm = this.dms.find((d) => d.userId === userId && d.alertId === alertId);
    return dm && { channel: `D${userId}`, ts: dm.ts };
  }
  async sendActorDenied(alert: SlackMessageRef, message: RenderedMessage, alertId: string): Promise<void> {
    this.denied.push({ alert, alertId, text: message.text });
    this.lose();
  }
  async findActorDenied(alert: SlackMessageRef, alertId: string): Promise<boolean> {
    return this.denied.some((d) => d.alert.ts === alert.ts && d.alertId === alertId);
  }
}

const CHANNEL = 'C0ALERTS';
const SSO_ALICE =
  'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com';

function setup(store: Store = createMemoryStore()) {
  const clock = manualClock();
  const messenger = new RecordingMessenger();
  const questions = new FakeQuestions();
  const events = recordingPublisher();
  const lookups: string[] = [];
  const directory: ActorDirectory = {
    async userIdByEmail(email) {
      lookups.push(email);
      return email === 'alice@example.com' ? 'U0ALICE' : undefined;
    },
  };
  const render = testRenderer((content) => ({
    text: `${content.status} ${content.severity}: ${content.lead.summary}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: content.status } }],
  }));
  const base = { store, messenger, clock, render, owner: 'worker-1' };
  const ask = { directory, questions, actorMap: { 'deploy-bob': 'U0BOB' } };
  const record = (...changes: Change[]) =>
    recordChanges(
      changes.map((change) => ({ change, raw: '{}' })),
      { ...base, ask, defaultChannel: CHANNEL },
    );
  const answerDeps: AnswerDeps = { ...base, events, questions };
  const answer = (alertId: string, kind: 'yes' | 'no', userId = 'U0ALICE', userName = 'alice') =>
    answerActorCheck(answerDeps, { alertId, userId, userName, answer: kind });
  return { store, clock, messenger, questions, events, lookups, record, answer };
}

const byAlice = (overrides: Partial<Change> = {}) =>
  makeChange({
    severity: 'warning',
    summary: 'alice opened tcp/22 to 203.0.113.0/24',
    actor: {
      type: 'AssumedRole',
      arn: SSO_ALICE,
      display: 'alice@example.com (SSO Admin)',
      viaConsole: true,
      mfa: true,
    },
    tool: 'console',
    ...overrides,
  });

describe('"Was this you?" (memory store)', () => {
  it('asks the actor once, in a DM naming the change, even when the change is delivered again', async () => {
    // Prepare
    const { questions, messenger, lookups, record } = setup();
    const change = byAlice();

    // Act
    await record(change);
    await record(change);
    await record(structuredClone(change));

    // Assess
    expect(messenger.posts).toHaveLength(1);
    expect(questions.dms).toEqual([
      expect.objectContaining({ userId: 'U0ALICE', alertId: messenger.posts[0]?.alertId }),
    ]);
    expect(questions.dms[0]?.text).toContain('Was this you? alice opened tcp/22 to 203.0.113.0/24');
    expect(lookups).toEqual(['alice@example.com']);
  });

  it('finds the DM after a lost answer instead of sending it twice', async () => {
    const { questions, record, store, messenger } = setup();
    questions.loseAnswers = 1;
    const change = byAlice();

    const first = await record(change);
    const retry = await record(change);

    expect(first.get(change.id)).toMatchObject({ ok: false });
    expect(retry.get(change.id)).toMatchObject({ ok: true });
    expect(questions.dms).toHaveLength(1);
    const alert = await store.alerts.get(messenger.posts[0]?.alertId ?? '');
    expect(alert?.actorCheck).toMatchObject({
      userId: 'U0ALICE',
      dm: { channel: 'DU0ALICE', ts: questions.dms[0]?.ts },
    });
  });

  it('never asks a shared role, and asks a configured session name without looking anything up', async () => {
    const { questions, lookups, record } = setup();
    const role = (session: string) =>
      byAlice({
        actor: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::123456789012:assumed-role/Deployer/${session}`,
          display: session,
          viaConsole: false,
          mfa: null,
        },
      });

    await record(role('GitHubActions'));
    await record(role('deploy-bob'));

    expect(questions.dms.map((dm) => dm.userId)).toEqual(['U0BOB']);
    expect(lookups).toEqual([]);
  });

  it('asks about warning and critical changes by default, never info; ask-actors on/off overrides it', async () => {
    const { questions, record, store } = setup();
    await record(byAlice({ severity: 'info', actor: { ...byAlice().actor } }));
    expect(questions.dms).toHaveLength(0);

    await store.config.putActorCheck(CHANNEL, { ask: true }, 'U1', '2026-11-27T10:00:00Z');
    await record(byAlice({ severity: 'info', eventName: 'CreateTags' }));
    expect(questions.dms).toHaveLength(1);

    await store.config.putActorCheck(CHANNEL, { ask: false }, 'U1', '2026-11-27T10:00:00Z');
    await record(
      byAlice({
        severity: 'critical',
        eventName: 'DeleteTrail',
        watch: 'cloudtrail',
        watches: ['cloudtrail'],
      }),
    );
    expect(questions.dms).toHaveLength(1);
  });

  it('never asks about a muted change', async () => {
    const { questions, record, store, messenger } = setup();
    await store.config.bootstrap(CHANNEL, '2026-11-27T09:00:00Z');
    await store.config.putMute({
      channel: CHANNEL,
      type: 'watch',
      value: 'security-groups',
      setBy: 'U1',
      setAt: '2026-11-27T09:00:00Z',
      expiresAt: '2026-11-28T09:00:00Z',
    });

    await record(byAlice({ severity: 'critical' }));

    expect(messenger.posts).toHaveLength(0);
    expect(questions.dms).toHaveLength(0);
  });

  it('"Yes" is recorded once, shown on the alert, published, and does not acknowledge', async () => {
    const { record, messenger, answer, events, store } = setup();
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';

    const first = await answer(alertId, 'yes');
    const again = await answer(alertId, 'no');

    expect(first).toMatchObject({ status: 'recorded', acknowledged: false, problems: [] });
    expect(again).toMatchObject({ status: 'already-answered', answer: { answer: 'yes', userId: 'U0ALICE' } });
    expect(events.published).toEqual([
      {
        detailType: ACTOR_ANSWERED_DETAIL_TYPE,
        detail: expect.objectContaining({
          alertId,
          answer: 'yes',
          answeredBy: { userId: 'U0ALICE', userName: 'alice' },
          answeredAt: '2026-11-27T10:00:00.000Z',
          severity: 'warning',
        }),
      },
    ]);
    const alert = await store.alerts.get(alertId);
    expect(alert?.acknowledgement).toBeUndefined();
    expect(alert?.renderedRev).toBe(alert?.rev);
  });

  it('"Yes" acknowledges in a channel that opted in with actor-confirms acknowledge', async () => {
    const { record, messenger, answer, store } = setup();
    await store.config.putActorCheck(CHANNEL, { confirms: 'acknowledge' }, 'U1', '2026-11-27T10:00:00Z');
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';

    expect(await answer(alertId, 'yes')).toMatchObject({ status: 'recorded', acknowledged: true });
    expect((await store.alerts.get(alertId))?.acknowledgement).toMatchObject({ userId: 'U0ALICE' });
  });

  it('"No" raises the alert to critical, tells the channel once and makes escalation due now', async () => {
    const { record, messenger, answer, questions, store, clock } = setup();
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';
    clock.advance(60_000);
    const now = clock.now().toISOString();

    const first = await answer(alertId, 'no');
    const again = await answer(alertId, 'no');

    expect(first).toMatchObject({ status: 'recorded', problems: [] });
    expect(again).toMatchObject({ status: 'already-answered' });
    expect(questions.denied).toHaveLength(1);
    expect(questions.denied[0]?.text).toMatch(/^🚨 <@U0ALICE> says this change was not theirs: alice opened/);
    expect(messenger.updates.at(-1)?.text).toBe('open critical: alice opened tcp/22 to 203.0.113.0/24');
    // The reply is the ping: no "turned critical" broadcast on top of it.
    expect(messenger.pings).toHaveLength(0);
    expect(await store.escalationSteps.due(now, 10)).toEqual([{ alertId, dueAt: now }]);
  });

  it('"No" whose reply answer was lost finds the reply on the second click instead of sending it again', async () => {
    const { record, messenger, answer, questions } = setup();
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';
    questions.loseAnswers = 1;

    const first = await answer(alertId, 'no');
    const again = await answer(alertId, 'no');

    expect(first).toMatchObject({
      status: 'recorded',
      problems: [{ what: 'the channel could not be alerted yet' }],
    });
    expect(again).toMatchObject({ status: 'already-answered', problems: [] });
    expect(questions.denied).toHaveLength(1);
  });

  it('counts a "No" in the channel\'s stats and shows it in the export', async () => {
    const { record, messenger, answer, store, clock } = setup();
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';
    await answer(alertId, 'no');

    const stats = await collectStats({ store, clock }, CHANNEL, 7);
    const rows = [];
    for await (const row of exportRows(store, {
      fromIso: '2026-11-20T00:00:00Z',
      toIso: '2026-11-28T00:00:00Z',
    }))
      rows.push(row);

    expect(stats.total).toMatchObject({ alerts: 1, notMe: 1 });
    expect(rows.map((row) => row.actorAnswer)).toEqual([
      { answer: 'no', userId: 'U0ALICE', userName: 'alice', at: '2026-11-27T10:00:00.000Z' },
    ]);
  });

  it('refuses an answer from anyone but the person asked', async () => {
    const { record, messenger, answer, events } = setup();
    await record(byAlice());
    const alertId = messenger.posts[0]?.alertId ?? '';

    expect(await answer(alertId, 'no', 'U0MALLORY', 'mallory')).toEqual({ status: 'not-asked' });
    expect(events.published).toEqual([]);
    expect(await answer('no-such-alert', 'yes')).toEqual({ status: 'not-found' });
  });
});
