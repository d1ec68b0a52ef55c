/**
 * Hostile input: a property-based fuzzer (fast-check) mutating the CloudTrail fixtures (wrong types, missing
 * fields, 256 KB payloads, deep nesting, lone surrogates, invisible and bidi characters, injected mentions,
 * links and mrkdwn in every event-controlled field), through every renderer, through the real events handler
 * against DynamoDB, and — as Slack payloads and `/infrawatch` text — through the real Bolt receivers. Properties:
 * nothing crashes, no unhandled rejection, every input it cannot read is rejected with a reason (stored, counted),
 * and everything sent to Slack passes {@link slackOutputProblems} (valid Block Kit within Slack's limits, no
 * mention, link or formatting InfraWatch did not build, nothing invisible, no lone surrogate).
 *
 * `RELIABILITY_SEED=<n>` replays a run (it seeds fast-check); a failure prints fast-check's counterexample,
 * shrunk to the smallest mutation that still fails, with the seed and path that replay it.
 */

import type { SQSBatchResponse } from 'aws-lambda';
import fc from 'fast-check';
import type { SlackStandin } from '../../app/local/slack';
import { bySeverityThenTime, toLine } from '../../src/changes/burst';
import { describeChange } from '../../src/changes/describe';
import { InvalidEventError } from '../../src/events/errors';
import type { AlertContent } from '../../src/model/alert';
import type { Change } from '../../src/model/change';
import { policyOf } from '../../src/model/escalation-policy';
import type { Mute } from '../../src/model/mute';
import {
  renderAckNoteModal,
  renderActorDenied,
  renderActorQuestion,
  renderActorQuestionAnswered,
  renderAlertContent,
  renderAlreadyAcknowledged,
  renderChannelSettings,
  renderCommandError,
  renderDigest,
  renderDigestClosed,
  renderEscalation,
  renderEscalationStep,
  renderHelp,
  renderInvestigateModal,
  renderMuteAnnouncement,
  renderStats,
  renderUnmuteAnnouncement,
  renderWatchesList,
  withActorAnswer,
  withEscalationSteps,
  withReplacementNote,
} from '../../src/views';
import { ACTION_IDS, OVERFLOW_KINDS, VIEW_IDS } from '../../src/views/actions';
import { ACTOR_CHECK_ACTION_IDS } from '../../src/views/actor-check';
import { fallbackText } from '../../src/views/alert-parts';
import { renderQuietNotice } from '../../src/views/heartbeat';
import { builtInCatalog } from '../../src/watches';
import { lambdaContext, sqsBatch, variant } from '../helpers/events';
import { CHANNELS, usePipeline } from '../helpers/pipeline';
import { ADMIN, ALERTS_CHANNEL, ALICE, BOB, USERS, useSlackHarness } from '../helpers/slack-app';
import { type SlackOutput, slackOutputProblems, type TrustedMentions } from '../helpers/slack-output';
import { blockAction, slashCommand, viewSubmission } from '../helpers/slack-requests';
import { reportFigures, SEED } from './harness';
import { eventBody, hostileEvent, hostileString, mutate, watchedFixtures } from './hostile';

const FIXTURES = watchedFixtures();
const FIXTURE = new Map(FIXTURES);
const ALERT_ID = '5f0c3a1e9b2d4c6a8e0f1b2c';
const CHANNEL = 'C0ALERTS';
const NOW = '2026-12-01T12:00:00.000Z';
const PERMALINK = 'https://infrawatch-test.slack.com/archives/C0ALERTS/p1700000000000100';

/** Unhandled rejections anywhere in the process while a property runs: each one is a violation. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

/** fast-check's settings for one property: the run's seed, and a bounded number of runs. */
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

/** What an event turned into: a change, or a rejection whose reason must say something. */
function read(fixture: string, mutations: Parameters<typeof mutate>[1]): Change | { rejected: string } {
  const base = FIXTURE.get(fixture);
  if (!base) throw new Error(`no fixture ${fixture}`);
  try {
    return describeChange(JSON.parse(eventBody(mutate(base, mutations))), builtInCatalog);
  } catch (error) {
    if (error instanceof InvalidEventError) return { rejected: error.message };
    throw error;
  }
}

/** Operator- and Slack-supplied text the renderers also show: titles, aliases, names, notes, mute values. */
const operatorText = fc.record({
  watchTitle: hostileString(),
  alias: hostileString(),
  userName: hostileString(),
  note: hostileString(),
  muteValue: hostileString(),
  userId: fc.oneof(fc.constantFrom('U0ALICE', 'W0BOB'), hostileString(40)),
});

type OperatorText = typeof operatorText extends fc.Arbitrary<infer T> ? T : never;

/** Every renderer that shows a change, an alert or a digest, fed the same hostile change(s). */
function renderAll(changes: Change[], op: OperatorText, rejectedReasons: string[]): [string, SlackOutput][] {
  const lines = changes.map(toLine).sort(bySeverityThenTime);
  const lead = changes.find((change) => change.id === lines[0]?.id) ?? (changes[0] as Change);
  const alert: AlertContent = {
    id: ALERT_ID,
    channel: CHANNEL,
    watch: lead.watch,
    lead,
    lines,
    severity: lead.severity,
    status: 'open',
  };
  const ack = { userId: op.userId, userName: op.userName, at: NOW, note: op.note };
  const acknowledged: AlertContent = { ...alert, status: 'acknowledged', acknowledgement: ack };
  const investigating: AlertContent = {
    ...alert,
    status: 'investigating',
    investigation: { userId: op.userId, userName: op.userName, at: NOW },
  };
  const options = { watchTitle: op.watchTitle, accountAlias: { [lead.account]: op.alias } };
  const answer = { answer: 'no' as const, userId: op.userId, userName: op.userName, at: NOW };
  const message = renderAlertContent(alert, options);
  const mute: Mute = {
    channel: CHANNEL,
    type: 'actor',
    value: op.muteValue,
    account: op.alias,
    setBy: op.userId,
    setAt: NOW,
    expiresAt: '2026-12-01T14:00:00.000Z',
  };
  const figures = {
    alerts: 2,
    changes: lines.length,
    acknowledgedAlerts: 1,
    acknowledgedChanges: 1,
    medianAckMs: 60_000,
    p90AckMs: 120_000,
    oldestOpenAt: NOW,
    escalations: 1,
    notMe: 1,
  };
  const titles = new Map([[lead.watch ?? 'custom', op.watchTitle]]);
  return [
    ['alert', message],
    ['alert (acknowledged)', renderAlertContent(acknowledged, options)],
    ['alert (investigating)', renderAlertContent(investigating, options)],
    ['alert (single line)', renderAlertContent({ ...alert, lines: lines.slice(0, 1) }, options)],
    ['escalation reply', renderEscalation(alert)],
    ['replacement', withReplacementNote(message)],
    [
      'investigate modal',
      {
        view: renderInvestigateModal({
          content: investigating,
          raw: JSON.stringify(changes.map((change) => change.details)),
          related: lines,
          now: NOW,
          accountAlias: op.alias,
          watchTitle: op.watchTitle,
        }),
      },
    ],
    [
      'digest',
      renderDigest({
        channel: CHANNEL,
        now: NOW,
        since: '2026-11-30T12:00:00.000Z',
        alerts: lines.map((line, i) => ({
          id: `${ALERT_ID.slice(0, -2)}${String(i).padStart(2, '0')}`,
          watch: lead.watch,
          watchTitle: op.watchTitle,
          severity: line.severity,
          createdAt: line.time,
          headline: fallbackText(line.severity, line.summary),
          changeCount: lines.length,
          permalink: PERMALINK,
          investigation: { userId: op.userId, userName: op.userName, at: NOW },
        })),
        mutedCount: 3,
        rejected: { count: rejectedReasons.length + 1, reasons: [...rejectedReasons, op.note] },
        footer: { week: figures, health: { recorded: 5, recovered: 1, rejected: 2 } },
      }) ?? { text: 'no digest' },
    ],
    ['digest closed', renderDigestClosed({ since: NOW, until: NOW, closedBy: { ...ack, count: 2 } })],
    ['actor question', renderActorQuestion({ alert, accountAlias: op.alias })],
    ['actor answered', renderActorQuestionAnswered({ alert, accountAlias: op.alias, answer })],
    ['alert with actor answer', withActorAnswer(message, answer)],
    ['actor denied', renderActorDenied(alert, answer)],
    [
      'escalation step',
      renderEscalationStep({
        alert,
        step: 1,
        target: { kind: 'usergroup', id: 'S0ONCALL' },
        afterMs: 900_000,
      }),
    ],
    [
      'escalation step elsewhere',
      renderEscalationStep({
        alert,
        step: 2,
        target: { kind: 'channel', id: 'C0ONCALL' },
        afterMs: 900_000,
        permalink: PERMALINK,
      }),
    ],
    [
      'alert with escalation notes',
      withEscalationSteps(message, [{ step: 1, target: { kind: 'here' }, afterMs: 900_000, at: NOW }]),
    ],
    ['already acknowledged', renderAlreadyAcknowledged({ acknowledgement: ack, now: NOW })],
    [
      'acknowledge-with-note modal',
      { view: renderAckNoteModal({ alertId: ALERT_ID, summary: lead.summary }) },
    ],
    [
      'quiet account notice',
      renderQuietNotice({
        account: lead.account,
        lastSeen: lead.time,
        quietHours: 24,
        accountAlias: op.alias,
      }),
    ],
    [
      'stats',
      renderStats(
        {
          channel: CHANNEL,
          since: '2026-11-24T12:00:00.000Z',
          now: NOW,
          days: 7,
          rows: [{ ...figures, watch: lead.watch ?? 'custom', severity: lead.severity }],
          total: figures,
        },
        titles,
      ),
    ],
    [
      'list',
      renderChannelSettings({
        channel: CHANNEL,
        subscriptions: [{ channel: CHANNEL, watch: op.muteValue, setBy: op.userId, setAt: NOW }],
        mutes: [mute, { ...mute, type: 'watch', account: undefined }],
        now: NOW,
        escalation: { policy: null, setBy: op.userId, setAt: NOW },
      }),
    ],
    ['mute announcement', renderMuteAnnouncement({ mutes: [mute], now: NOW })],
    ['unmute announcement', renderUnmuteAnnouncement({ target: mute, userId: op.userId, existed: true })],
    ['command error', renderCommandError(op.note)],
    ['help', renderHelp()],
    [
      'watches',
      renderWatchesList([
        { id: op.muteValue, aliases: [op.alias], title: op.watchTitle, description: op.note },
      ]),
    ],
  ];
}

describe('hostile input', () => {
  it('every renderer shows mutated fixture events as text: valid Block Kit, no markup, nothing hidden', () => {
    // Prepare
    const trusted: TrustedMentions = { channels: [CHANNEL, 'C0ONCALL'], usergroups: ['S0ONCALL'] };
    const figures = { runs: 0, events: 0, rejectedWithReason: 0, messagesChecked: 0, violations: 0 };
    const problems: string[] = [];

    // Act + Assess: a property over 1–3 mutated events and hostile operator text.
    fc.assert(
      fc.property(
        fc.array(hostileEvent(FIXTURES), { minLength: 1, maxLength: 3 }),
        operatorText,
        (events, op) => {
          figures.runs += 1;
          const changes: Change[] = [];
          const reasons: string[] = [];
          for (const { fixture, mutations } of events) {
            figures.events += 1;
            const result = read(fixture, mutations);
            if ('rejected' in result) {
              if (result.rejected.trim() === '') throw new Error(`${fixture} was rejected without a reason`);
              figures.rejectedWithReason += 1;
              reasons.push(result.rejected);
            } else changes.push(result);
          }
          if (changes.length === 0) return;
          const found: string[] = [];
          for (const [name, output] of renderAll(changes, op, reasons)) {
            figures.messagesChecked += 1;
            const trust = { ...trusted, users: [op.userId] };
            for (const problem of slackOutputProblems(output, trust)) found.push(`${name}: ${problem}`);
          }
          if (found.length > 0) {
            figures.violations += found.length;
            problems.push(...found.slice(0, 5));
            throw new Error(found.slice(0, 5).join('\n'));
          }
        },
      ),
      runs(120),
    );

    reportFigures(
      'hostile input: renderers',
      { ...figures, unhandledRejections: unhandled.length, lost: 0, duplicates: 0 },
      [...problems, ...unhandled.map((reason) => `unhandled rejection: ${String(reason)}`)],
    );
  });
});

/** The change id a body names (`detail.eventID`, else the EventBridge `id`), if it is JSON naming one. */
function eventIdOf(body: string): unknown {
  try {
    const event = JSON.parse(body) as { id?: unknown; detail?: { eventID?: unknown } } | null;
    return event?.detail?.eventID ?? event?.id;
  } catch {
    return undefined;
  }
}

/** Bodies SQS could carry that are not events at all. */
const garbageBody = fc.oneof(
  fc.constantFrom(
    '',
    'null',
    '[]',
    '{',
    '{"detail":',
    '"<!channel>"',
    '{"detail-type":"AWS API Call via CloudTrail"}',
  ),
  hostileString(),
);

/**
 * Checks every Slack call from `from` on: what was sent (text, blocks, view) and Slack's answer (the stand-in
 * refuses what Slack would refuse: invalid blocks, unknown channels).
 */
function slackCallProblems(slack: SlackStandin, from: number, trusted: TrustedMentions): [number, string[]] {
  const calls = slack.calls.slice(from);
  const problems: string[] = [];
  let checked = 0;
  for (const call of calls) {
    const { text, blocks, view } = call.args;
    if (text === undefined && blocks === undefined && view === undefined) continue;
    checked += 1;
    for (const problem of slackOutputProblems({ text, blocks, view }, trusted))
      problems.push(`${call.method}: ${problem}`);
    const body = call.response.body;
    if (typeof body !== 'object' || body.ok !== true)
      problems.push(`${call.method} was refused: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return [checked, problems];
}

describe.each(['dynalite', 'dynamodb-local'] as const)(
  'hostile input through the events handler on %s',
  (engine) => {
    const pipelines = usePipeline(engine);

    it('stores or rejects (with a reason) every mutated event, never retries it forever, and posts only clean messages', async () => {
      // Prepare
      const pipeline = await pipelines.start();
      const trusted: TrustedMentions = { channels: CHANNELS };
      const figures = {
        runs: 0,
        messages: 0,
        stored: 0,
        rejectedWithReason: 0,
        retries: 0,
        slackCalls: 0,
        violations: 0,
      };
      const problems: string[] = [];
      let seen = 0;
      let index = 0;
      const body = fc.oneof(
        { weight: 6, arbitrary: hostileEvent(FIXTURES).map((event) => ({ event })) },
        { weight: 1, arbitrary: garbageBody.map((raw) => ({ raw })) },
      );

      // Act + Assess: one SQS batch per run, as deployed (redelivered while it reports failures).
      await fc.assert(
        fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), async (bodies) => {
          figures.runs += 1;
          const now = new Date().toISOString();
          const sent = bodies.map((b) => {
            if ('raw' in b) return b.raw;
            const base = FIXTURE.get(b.event.fixture);
            if (!base) throw new Error(`no fixture ${b.event.fixture}`);
            index += 1;
            return eventBody(mutate(variant(base, 900_000 + index, now), b.event.mutations));
          });
          const batch = sqsBatch(sent);
          const since = new Date(Date.now() - 1000).toISOString();
          let pending = batch.Records;
          for (let receive = 1; receive <= 3 && pending.length > 0; receive++) {
            const response = (await pipeline.handler(
              { Records: pending },
              lambdaContext(),
            )) as SQSBatchResponse;
            const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
            pending = pending.filter((record) => failed.has(record.messageId));
            figures.retries += pending.length;
          }
          const found: string[] = pending.map(
            (record) =>
              `message ${record.messageId} still fails after 3 receives: ${record.body.slice(0, 200)}`,
          );
          const rejected = await pipeline.store.rejected.between(
            since,
            new Date(Date.now() + 1000).toISOString(),
            100,
          );
          const reasons = new Map(rejected.first.map((r) => [r.id, r.reason]));
          for (const [i, record] of batch.Records.entries()) {
            figures.messages += 1;
            const reason = reasons.get(record.messageId);
            if (reason !== undefined) {
              if (reason.trim() === '') found.push(`message ${record.messageId} rejected without a reason`);
              else figures.rejectedWithReason += 1;
              continue;
            }
            const id = eventIdOf(sent[i] ?? '');
            if (typeof id === 'string' && (await pipeline.store.changes.get(id)) !== undefined)
              figures.stored += 1;
            else
              found.push(
                `message ${record.messageId} neither stored nor rejected: ${record.body.slice(0, 200)}`,
              );
          }
          const [checked, slackProblems] = slackCallProblems(pipeline.slack, seen, trusted);
          seen = pipeline.slack.calls.length;
          figures.slackCalls += checked;
          found.push(...slackProblems);
          if (found.length > 0) {
            figures.violations += found.length;
            problems.push(...found.slice(0, 5));
            throw new Error(found.slice(0, 5).join('\n'));
          }
        }),
        runs(engine === 'dynalite' ? 20 : 6),
      );

      reportFigures(
        `hostile input: events handler (${engine})`,
        {
          ...figures,
          posts: pipeline.slack.callsTo('chat.postMessage').length,
          unhandledRejections: unhandled.length,
          lost: 0,
          duplicates: 0,
        },
        [...problems, ...unhandled.map((reason) => `unhandled rejection: ${String(reason)}`)],
      );
    }, 120_000);
  },
);

/** Words of the `/infrawatch` grammar, so random commands often parse and reach the use cases. */
const WORDS = [
  ...['subscribe', 'unsubscribe', 'mute', 'unmute', 'list', 'digest', 'help', 'stats', 'watches', 'escalate'],
  ...['ask-actors', 'actor-confirms', 'for', 'to', 'then', 'after', 'off', 'on', 'show', 'acknowledge'],
  ...[
    '2h',
    '30m',
    '1d',
    '15m',
    '7',
    '30',
    'ec2',
    'iam',
    'all',
    'security-groups',
    'actor',
    'account',
    'critical',
  ],
  ...[
    'arn:aws:iam::123456789012:user/<!channel>',
    '<@U0ALICE|alice>',
    '<#C0ALERTS|alerts>',
    '<!subteam^S0ONCALL>',
  ],
];

const commandText = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...WORDS), hostileString(500)), { maxLength: 8 })
      .map((words) => words.join(' ')),
  },
  // Slack allows long command text; a paste of a whole policy or log line is plausible.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...WORDS), hostileString(20_000)).map((w) => w.join(' ')),
  },
);

const slackUser = fc.constantFrom(
  ADMIN,
  ALICE,
  BOB,
  ...USERS.slice(0, 3).map((u) => ({ userId: u.id, userName: u.name })),
);

/** One signed request Slack could send: a command, a click, or a modal submission, through either receiver. */
const slackRequest = fc.record({
  via: fc.constantFrom('lambda' as const, 'http' as const),
  user: slackUser,
  userName: hostileString(200),
  request: fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('command' as const), text: commandText }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('action' as const),
        actionId: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.constantFrom(ACTION_IDS.acknowledge, ACTION_IDS.investigate, ACTION_IDS.more),
          },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              VIEW_IDS.digestAckAll,
              ACTOR_CHECK_ACTION_IDS.yes,
              ACTOR_CHECK_ACTION_IDS.no,
            ),
          },
        ),
        /** undefined: the seeded alert's id (or a valid overflow value for it). */
        value: fc.option(hostileString(3_000), { freq: 2 }),
        overflow: fc.constantFrom(...Object.values(OVERFLOW_KINDS)),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('view' as const),
        metadata: fc.option(hostileString(), { freq: 3 }),
        note: fc.option(hostileString(5_000), { freq: 5 }),
      }),
    },
  ),
});

describe('hostile input through the Bolt receivers', () => {
  const harnesses = useSlackHarness('dynalite');

  it('answers every signed command, click and submission with clean Block Kit, whatever its text', async () => {
    // Prepare: an alert posted from a hostile (but valid) event, to click on.
    const harness = await harnesses.start();
    const open = FIXTURE.get('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    if (!open) throw new Error('no ssh-open-world fixture');
    const seed = variant(open, 1);
    seed.detail.sourceIPAddress = '<!channel> 203.0.113.7';
    seed.detail.userAgent = '<https://evil.example|aws-cli/2.0> \u202Egnp.exe';
    const [alertId = ''] = await harness.alertFor([seed]);
    const ts = harness.slack.messages(ALERTS_CHANNEL)[0]?.ts ?? '1.000000';
    const users = [ADMIN, ALICE, BOB, ...USERS.map((u) => ({ userId: u.id, userName: u.name }))];
    const figures = {
      runs: 0,
      commands: 0,
      clicks: 0,
      submissions: 0,
      answersChecked: 0,
      slackCalls: 0,
      violations: 0,
    };
    const problems: string[] = [];
    let seen = harness.slack.calls.length;

    // Act + Assess: one request per run.
    await fc.assert(
      fc.asyncProperty(slackRequest, async ({ via, user, userName, request }) => {
        figures.runs += 1;
        // A signed payload names a member of the workspace; the name it gives is text like any other.
        const who = { userId: user.userId, userName };
        let body: string;
        if (request.kind === 'command') {
          figures.commands += 1;
          body = slashCommand(request.text, who, ALERTS_CHANNEL);
        } else if (request.kind === 'action') {
          figures.clicks += 1;
          const value =
            request.value ??
            (request.actionId === ACTION_IDS.more ? `${request.overflow}:${alertId}` : alertId);
          const action =
            request.actionId === ACTION_IDS.more
              ? { action_id: request.actionId, selected_option: { value } }
              : { action_id: request.actionId, value };
          body = blockAction(action, who, ALERTS_CHANNEL, {
            messageTs: ts,
            triggerId: harness.slack.issueTriggerId({ userId: user.userId }),
          });
        } else {
          figures.submissions += 1;
          body = viewSubmission(
            {
              callback_id: VIEW_IDS.ackNoteModal,
              private_metadata: request.metadata ?? JSON.stringify({ alertId }),
              values: {
                [VIEW_IDS.ackNoteBlock]: {
                  [VIEW_IDS.ackNoteInput]: { type: 'plain_text_input', value: request.note },
                },
              },
            },
            who,
          );
        }
        const response = await harness.send(body, via);

        // Trusted mentions: the users and channels Slack named, and the escalation targets in force.
        const config = await harness.store.config.load(new Date().toISOString());
        // The channel's policy in force (the default one, to @here, until someone sets another).
        const targets = policyOf(config.escalations ?? [], ALERTS_CHANNEL)?.targets ?? [];
        const trusted: TrustedMentions = {
          users: [
            ...users.map((u) => u.userId),
            ...targets.flatMap((t) => (t.kind === 'user' ? [t.id] : [])),
          ],
          channels: [
            ALERTS_CHANNEL,
            'C0OTHER',
            ...targets.flatMap((t) => (t.kind === 'channel' ? [t.id] : [])),
          ],
          usergroups: targets.flatMap((t) => (t.kind === 'usergroup' ? [t.id] : [])),
          here: targets.some((t) => t.kind === 'here'),
        };
        const found: string[] = [];
        if (response.status !== 200)
          found.push(`answered ${response.status}: ${response.body.slice(0, 200)}`);
        if (response.body !== '') {
          figures.answersChecked += 1;
          let answer: unknown;
          try {
            answer = JSON.parse(response.body);
          } catch {
            found.push(`an answer that is not JSON: ${response.body.slice(0, 200)}`);
          }
          if (answer !== null && typeof answer === 'object')
            found.push(...slackOutputProblems(answer as SlackOutput, trusted).map((p) => `answer: ${p}`));
        }
        const [checked, slackProblems] = slackCallProblems(harness.slack, seen, trusted);
        seen = harness.slack.calls.length;
        figures.slackCalls += checked;
        found.push(...slackProblems);
        const errors = harness.logs.filter((line) => line.level === 'error');
        if (errors.length > 0) found.push(...errors.map((line) => `logged an error: ${line.message}`));
        harness.logs.length = 0;
        if (found.length > 0) {
          figures.violations += found.length;
          problems.push(...found.slice(0, 5));
          throw new Error(found.slice(0, 5).join('\n'));
        }
      }),
      runs(45),
    );

    reportFigures(
      'hostile input: Slack payloads',
      { ...figures, unhandledRejections: unhandled.length, lost: 0, duplicates: 0 },
      [...problems, ...unhandled.map((reason) => `unhandled rejection: ${String(reason)}`)],
    );
  }, 120_000);
});
