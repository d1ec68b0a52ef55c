/**
 * Forged requests: everything a caller without the signing secret can send, and everything a validly signed
 * request can carry that is not what InfraWatch's own buttons send. Against both real receivers (the Lambda
 * handler behind a Function URL, the HTTP one of the local stack), with `SLACK_TEAM_ID` set and unset (then
 * the workspace comes from the bot token, auth.test).
 *
 * What is checked for every request: never a 5xx, never a stack trace or an error name in the body, the table
 * exactly as before (a full Scan, compared item by item) and no Slack call, except the one ephemeral reply a
 * validly signed request from our workspace is owed when it cannot be acted on ("this alert is not in this
 * channel"): Slack shows nothing at all for a silent 200, and the person who clicked deserves to know why.
 * - not provably from our workspace (signature missing, malformed, over another secret or another body,
 *   timestamp more than 5 minutes away either way, another team, no team): 401, whatever the body holds,
 *   oversized and unparseable bodies included (the signature is checked before anything is parsed);
 * - signed but unreadable (a form `payload` that is not a JSON object): 400;
 * - signed, readable, but not something InfraWatch offers (unknown action, command, modal or event; a button
 *   whose value is not a string; an alert of another channel): 200 and nothing changes;
 * - a replayed request (the same body and headers again within the 5 minutes Slack's signature allows): acts
 *   at most once, and the copy makes no Slack call. Slack's spec relies on the window; within it, a replay is
 *   the authentic request again, so what stops it acting twice is the request's own idempotency (first
 *   acknowledgement wins by a conditional write; commands and mutes claim their trigger_id).
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ACTION_IDS, OVERFLOW_KINDS, overflowValue, VIEW_IDS } from '../../src/views';
import { corpusEvent } from '../helpers/events';
import {
  ALERTS_CHANNEL,
  ALICE,
  BOB,
  type SlackHarness,
  useSlackHarness,
  type Via,
} from '../helpers/slack-app';
import {
  blockAction,
  FOREIGN_TEAM_ID,
  SIGNING_SECRET,
  sign,
  slashCommand,
  TEAM_ID,
  viewSubmission,
} from '../helpers/slack-requests';
import { reportFigures } from './harness';

const VIAS: readonly Via[] = ['lambda', 'http'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

type Expected = 'refused' | 'unreadable' | 'unhandled' | 'ignored' | 'answered';

interface ForgedCase {
  name: string;
  body: string;
  /** Headers to send; default: signed correctly. */
  headers?: Record<string, string>;
  expect: Expected;
  /** The HTTP receiver's status when it differs (it refuses a body over 1 MB before reading on: 413). */
  httpStatus?: number;
}

const now = () => Math.floor(Date.now() / 1000);
const payloadOf = (body: string) =>
  JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;
const formPayload = (payload: unknown) =>
  new URLSearchParams({
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  }).toString();

/** The cases, built around one real alert of the alerts channel. */
function forgedCases(alertId: string): ForgedCase[] {
  const ack = blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL);
  const mute = slashCommand('mute cloudtrail for 30d', ALICE, ALERTS_CHANNEL);
  const ackPayload = payloadOf(ack);
  const oversized = `${mute}&padding=${'x'.repeat(1_100_000)}`;
  const foreign = { ...ALICE, teamId: FOREIGN_TEAM_ID };
  const signedAt = (body: string, timestamp: number) => sign(body, { timestamp });
  const withSignature = (signature: string, timestamp = String(now())) => ({
    ...FORM,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
  });
  const refused: ForgedCase[] = [
    { name: 'no signature headers', body: ack, headers: FORM },
    { name: 'signature of random bytes', body: ack, headers: withSignature(`v0=${'ab'.repeat(32)}`) },
    { name: 'signature not v0', body: ack, headers: withSignature(`v1=${'ab'.repeat(32)}`) },
    { name: 'signature not hex', body: ack, headers: withSignature('v0=not-a-signature') },
    {
      name: 'timestamp not a number',
      body: ack,
      headers: { ...sign(ack), 'x-slack-request-timestamp': 'soon' },
    },
    { name: 'body changed after signing', body: ack.replace('U0ALICE', 'U0BOB'), headers: sign(ack) },
    { name: 'command changed after signing', body: mute.replace('30d', '1d'), headers: sign(mute) },
    { name: 'signed over another secret', body: mute, headers: sign(mute, { secret: `${SIGNING_SECRET}x` }) },
    { name: 'stale timestamp (6 min ago)', body: ack, headers: signedAt(ack, now() - 6 * 60) },
    { name: 'future timestamp (6 min ahead)', body: ack, headers: signedAt(ack, now() + 6 * 60) },
    { name: 'future timestamp (next year)', body: mute, headers: signedAt(mute, now() + 365 * 86_400) },
    {
      name: 'signature of the same body with the timestamp changed',
      body: ack,
      headers: { ...sign(ack), 'x-slack-request-timestamp': String(now() + 1) },
    },
    { name: 'oversized body (1.1 MB), bad signature', body: oversized, headers: sign(mute), httpStatus: 413 },
    { name: 'malformed urlencoding, unsigned', body: 'payload=%E0%A4%A&%%%', headers: FORM },
    { name: 'payload not JSON, unsigned', body: 'payload=%7Bnot-json', headers: FORM },
    { name: 'JSON body, unsigned', body: '{"type":"url_verification","challenge":"x"}', headers: JSON_TYPE },
    { name: 'ssl_check, unsigned', body: 'ssl_check=1&token=x', headers: FORM },
    // Signed correctly, but not by our workspace.
    {
      name: 'click from another team',
      body: blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, foreign, ALERTS_CHANNEL),
    },
    {
      name: 'command from another team',
      body: slashCommand('mute cloudtrail for 30d', foreign, ALERTS_CHANNEL),
    },
    {
      name: 'modal from another team',
      body: viewSubmission(
        { callback_id: VIEW_IDS.ackNoteModal, private_metadata: JSON.stringify({ alertId }), values: {} },
        foreign,
      ),
    },
    {
      name: 'click with the team of the user changed only',
      body: formPayload({ ...ackPayload, team: { id: FOREIGN_TEAM_ID, domain: 'x' } }),
    },
    { name: 'click naming no team', body: formPayload({ ...ackPayload, team: null }) },
    { name: 'payload with no team at all', body: formPayload({ type: 'block_actions', actions: [] }) },
  ].map((c) => ({ ...c, expect: 'refused' as const }));
  const action = (fields: Record<string, unknown>) => formPayload({ ...ackPayload, actions: [fields] });
  const unreadable: ForgedCase[] = [
    { name: 'signed payload not JSON', body: 'payload=%7Bnot-json' },
    { name: 'signed payload a JSON array', body: formPayload([ackPayload]) },
    { name: 'signed payload a JSON string', body: formPayload('"hello"') },
    { name: 'signed malformed urlencoding in payload', body: 'payload=%7B%22type%22%3A%E0%A4%A' },
    {
      name: 'signed JSON body not an object',
      body: '[1,2,3]',
      headers: { ...sign('[1,2,3]'), ...JSON_TYPE },
    },
    // Readable, but not the shape every Slack interaction has.
    { name: 'click with no user', body: formPayload({ ...ackPayload, user: undefined }) },
    {
      name: 'click whose user id is a number',
      body: formPayload({ ...ackPayload, user: { id: 5, name: 'x' } }),
    },
    {
      name: 'click whose channel is a string',
      body: formPayload({ ...ackPayload, channel: ALERTS_CHANNEL }),
    },
    { name: 'click whose actions are not a list', body: formPayload({ ...ackPayload, actions: 'ack' }) },
    { name: 'click whose action is null', body: formPayload({ ...ackPayload, actions: [null] }) },
    { name: 'click whose action has no id', body: action({ type: 'button', value: alertId }) },
    {
      name: 'Acknowledge whose value is an object',
      body: action({ action_id: ACTION_IDS.acknowledge, value: { S: alertId } }),
    },
    {
      name: 'menu choice whose value is a number',
      body: action({ action_id: ACTION_IDS.more, selected_option: { value: 7 } }),
    },
    {
      name: 'modal whose private_metadata is an object',
      body: formPayload({
        ...payloadOf(
          viewSubmission({ callback_id: VIEW_IDS.ackNoteModal, private_metadata: '', values: {} }, ALICE),
        ),
        view: { callback_id: VIEW_IDS.ackNoteModal, private_metadata: { alertId }, state: { values: {} } },
      }),
    },
    { name: 'command with its text field repeated', body: `${mute}&text=unmute+cloudtrail` },
    { name: 'command with no user', body: mute.replace(/(^|&)user_id=[^&]*/, '') },
  ].map((c) => ({ ...c, expect: 'unreadable' as const }));
  const event = JSON.stringify({
    type: 'event_callback',
    team_id: TEAM_ID,
    event: { type: 'app_mention', text: 'hi' },
  });
  const unhandled: ForgedCase[] = [
    {
      name: 'unknown action id',
      body: blockAction({ action_id: 'infrawatch_delete_everything', value: alertId }, ALICE, ALERTS_CHANNEL),
    },
    { name: 'unknown command', body: mute.replace('%2Finfrawatch', '%2Fother') },
    {
      name: 'unknown modal',
      body: viewSubmission(
        { callback_id: 'infrawatch_other_modal', private_metadata: '{}', values: {} },
        ALICE,
      ),
    },
    { name: 'click with no actions', body: formPayload({ ...ackPayload, actions: [] }) },
  ].map((c) => ({ ...c, expect: 'unhandled' as const }));
  const ignored: ForgedCase[] = [
    {
      name: 'modal with private_metadata of no alert',
      body: viewSubmission(
        { callback_id: VIEW_IDS.ackNoteModal, private_metadata: '{"alertId":{"S":"x"}}', values: {} },
        ALICE,
      ),
    },
    {
      name: 'click on a message in no channel',
      body: formPayload({ ...ackPayload, channel: undefined, container: { type: 'view', view_id: 'V1' } }),
    },
    { name: 'signed ssl_check', body: 'ssl_check=1&token=x' },
    // Bolt acknowledges Events API bodies itself; InfraWatch subscribes to no event.
    { name: 'Events API event', body: event, headers: { ...sign(event), ...JSON_TYPE } },
  ].map((c) => ({ ...c, expect: 'ignored' as const }));
  const elsewhere = (action: Parameters<typeof blockAction>[0]) => blockAction(action, BOB, 'C0OTHER');
  const answered: ForgedCase[] = [
    {
      name: 'Acknowledge from another channel',
      body: elsewhere({ action_id: ACTION_IDS.acknowledge, value: alertId }),
    },
    {
      name: 'Investigate from another channel',
      body: elsewhere({ action_id: ACTION_IDS.investigate, value: alertId }),
    },
    {
      name: 'mute from the menu of another channel',
      body: elsewhere({
        action_id: ACTION_IDS.more,
        selected_option: { value: overflowValue(OVERFLOW_KINDS.muteWatch24h, alertId) },
      }),
    },
    {
      name: 'Acknowledge of no alert',
      body: blockAction({ action_id: ACTION_IDS.acknowledge, value: 'a-nope' }, ALICE, ALERTS_CHANNEL),
    },
    {
      name: 'Acknowledge of an alert id that is a key expression',
      body: blockAction({ action_id: ACTION_IDS.acknowledge, value: `${alertId}#x` }, ALICE, ALERTS_CHANNEL),
    },
    {
      name: 'menu value of no kind',
      body: elsewhere({ action_id: ACTION_IDS.more, selected_option: { value: 'rm-rf:all' } }),
    },
    {
      name: 'digest Acknowledge all for another channel',
      body: blockAction(
        {
          action_id: VIEW_IDS.digestAckAll,
          value: JSON.stringify({
            channel: ALERTS_CHANNEL,
            since: '2000-01-01T00:00:00.000Z',
            until: '2999-01-01T00:00:00.000Z',
          }),
        },
        BOB,
        'C0OTHER',
      ),
    },
  ].map((c) => ({ ...c, expect: 'answered' as const }));
  return [...refused, ...unreadable, ...unhandled, ...ignored, ...answered];
}

/** JSON with every object's keys sorted, so equal items compare equal however the engine orders them. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * What a request changed in the table: items added and removed. The replay guard's claim on an answered
 * click's trigger_id (REQUEST#…, expiring after 15 minutes) is bookkeeping, listed apart.
 */
function tableChanges(before: readonly string[], after: readonly string[]) {
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  const claims = added.filter((item) => item.includes('"pk":{"S":"REQUEST#'));
  return { added: added.length - claims.length, removed: removed.length, claims: claims.length };
}

/** The whole table, item by item, in a stable order. */
async function tableState(harness: SlackHarness): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await harness.dynamodb.send(
      new ScanCommand({ TableName: harness.env.TABLE_NAME, ExclusiveStartKey: start as never }),
    );
    for (const item of page.Items ?? []) items.push(canonical(item));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort();
}

const STATUS: Readonly<Record<Expected, number>> = {
  refused: 401,
  unreadable: 400,
  // Bolt's own answer when no listener is for a request: Slack shows the person that the app did not handle it.
  unhandled: 404,
  ignored: 200,
  answered: 200,
};

describe('forged requests (dynalite)', () => {
  const harnesses = useSlackHarness('dynalite');

  it.each([
    ['SLACK_TEAM_ID set', {}],
    ['SLACK_TEAM_ID unset', { SLACK_TEAM_ID: undefined }],
  ] as const)(
    'refuses or ignores every forged request with nothing changed (%s)',
    async (label, env) => {
      // Prepare: one alert, and both receivers warmed up (the first request builds the app; without
      // SLACK_TEAM_ID that asks auth.test once).
      const harness = await harnesses.start({ env });
      const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
      for (const via of VIAS) await harness.send(slashCommand('help', ALICE, ALERTS_CHANNEL), via);
      const cases = forgedCases(alertId);
      const problems: string[] = [];
      const counts = {
        requests: 0,
        refused: 0,
        unreadable: 0,
        unhandled: 0,
        ignored: 0,
        answered: 0,
        fivexx: 0,
        stateChanged: 0,
        replayClaims: 0,
        slackCalls: 0,
      };

      // Act and assess, one request at a time (the table after one request is the table before the next).
      let before = await tableState(harness);
      for (const forged of cases) {
        for (const via of VIAS) {
          const calls = harness.slack.calls.length;
          // Each receiver gets its own click (a trigger_id of its own): the same one twice would be a replay.
          const body =
            forged.headers === undefined
              ? forged.body.replace(/trigger-0\.\d+/g, () => `trigger-${via}-${counts.requests}`)
              : forged.body;
          const response = await harness.send(body, via, { headers: forged.headers ?? sign(body) });
          counts.requests += 1;
          const after = await tableState(harness);
          const made = harness.slack.calls.slice(calls).map((call) => call.method);
          const where = `${forged.name} (${via}, ${label})`;
          if (response.status >= 500) counts.fivexx += 1;
          const status = (via === 'http' ? forged.httpStatus : undefined) ?? STATUS[forged.expect];
          if (response.status !== status)
            problems.push(`${where}: answered ${response.status}, expected ${status}`);
          else counts[forged.expect] += 1;
          if (/\bat .+:\d+|Error\b|exception/i.test(response.body))
            problems.push(`${where}: the body shows an error: ${response.body.slice(0, 200)}`);
          const changed = tableChanges(before, after);
          before = after;
          const claimsAllowed = forged.expect === 'answered' ? 1 : 0;
          counts.replayClaims += changed.claims;
          if (changed.added + changed.removed > 0 || changed.claims > claimsAllowed) {
            counts.stateChanged += 1;
            problems.push(`${where}: the table changed (${JSON.stringify(changed)})`);
          }
          const allowed = forged.expect === 'answered' ? ['chat.postEphemeral'] : [];
          counts.slackCalls += made.length;
          if (
            made.some((method) => !allowed.includes(method)) ||
            (forged.expect === 'answered' && made.length !== 1)
          )
            problems.push(`${where}: Slack calls ${JSON.stringify(made)}`);
        }
      }
      const errors = harness.logs.filter((line) => line.level === 'error');
      for (const line of errors.slice(0, 5)) problems.push(`logged an error: ${line.message}`);
      reportFigures(
        `forged requests (${label})`,
        { cases: cases.length, ...counts, errorsLogged: errors.length, lost: 0, duplicates: 0 },
        problems,
      );
    },
    120_000,
  );

  it('acts once on a replayed click, menu choice, modal or command, and the copies call Slack not at all', async () => {
    // Prepare
    const harness = await harnesses.start();
    const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
    const ts = harness.slack.messages(ALERTS_CHANNEL).at(-1)?.ts ?? '';
    const click = (who: typeof ALICE, fields: Parameters<typeof blockAction>[0]) =>
      blockAction(fields, who, ALERTS_CHANNEL, {
        messageTs: ts,
        triggerId: harness.slack.issueTriggerId({ userId: who.userId }),
      });
    const requests: [string, string][] = [
      ['Investigate', click(BOB, { action_id: ACTION_IDS.investigate, value: alertId })],
      [
        'mute this watch from the menu',
        click(ALICE, {
          action_id: ACTION_IDS.more,
          selected_option: { value: overflowValue(OVERFLOW_KINDS.muteWatch24h, alertId) },
        }),
      ],
      ['mute command', slashCommand('mute actor:terraform-ci account:prod for 2h', ALICE, ALERTS_CHANNEL)],
      ['Acknowledge', click(ALICE, { action_id: ACTION_IDS.acknowledge, value: alertId })],
      [
        'Acknowledge after someone else did',
        click(BOB, { action_id: ACTION_IDS.acknowledge, value: alertId }),
      ],
      [
        'acknowledge with a note after someone else did',
        viewSubmission(
          {
            callback_id: VIEW_IDS.ackNoteModal,
            private_metadata: JSON.stringify({ alertId }),
            values: {
              [VIEW_IDS.ackNoteBlock]: { [VIEW_IDS.ackNoteInput]: { type: 'plain_text_input', value: 'me' } },
            },
          },
          BOB,
        ),
      ],
    ];
    const problems: string[] = [];
    let replays = 0;
    let firstCalls = 0;

    for (const [name, body] of requests) {
      // Act: the original, then the same bytes and headers again through each receiver.
      const headers = sign(body);
      const calls = harness.slack.calls.length;
      const original = await harness.send(body, 'lambda', { headers });
      firstCalls += harness.slack.calls.length - calls;
      if (original.status !== 200) problems.push(`${name}: the original answered ${original.status}`);
      const before = await tableState(harness);
      for (const via of VIAS) {
        const since = harness.slack.calls.length;
        const replay = await harness.send(body, via, { headers });
        replays += 1;
        // Assess
        const made = harness.slack.calls.slice(since).map((call) => call.method);
        if (replay.status !== 200) problems.push(`${name} replayed (${via}): answered ${replay.status}`);
        if (made.length > 0) problems.push(`${name} replayed (${via}): Slack calls ${JSON.stringify(made)}`);
        if (JSON.stringify(await tableState(harness)) !== JSON.stringify(before))
          problems.push(`${name} replayed (${via}): the table changed`);
      }
    }
    const alert = await harness.store.alerts.get(alertId);
    if (alert?.acknowledgement?.userId !== ALICE.userId)
      problems.push("alice's acknowledgement does not stand");
    const mutes = (await harness.store.config.load(new Date().toISOString())).mutes;
    if (mutes.length !== 2) problems.push(`${mutes.length} mutes instead of 2`);
    reportFigures(
      'replayed requests',
      { requests: requests.length, replays, firstCalls, mutes: mutes.length, lost: 0, duplicates: 0 },
      problems,
    );
  }, 60_000);
});
