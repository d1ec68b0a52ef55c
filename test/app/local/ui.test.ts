import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { LogPort } from '../../../app/events/process-events';
import type { WorkspaceState } from '../../../app/local/local-workspace';
import type { StandinBlock, StandinMessage } from '../../../app/local/slack';
import { type LocalStack, startLocalStack } from '../../../app/local/stack';
import { renderBlocks } from '../../../app/local/ui/blockkit';
import { ACTION_IDS } from '../../../src/views';
import { fixtureWith, loadCloudTrailFixture, obj } from '../../helpers/cloudtrail-fixtures';
import { MiniDocument, type MiniElement } from '../../helpers/mini-dom';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

let stack: LocalStack;
const logs: { level: string; message: string }[] = [];
const log: LogPort = {
  info: (message) => logs.push({ level: 'info', message }),
  warn: (message) => logs.push({ level: 'warn', message }),
  error: (message) => logs.push({ level: 'error', message }),
};

beforeAll(async () => {
  // In memory, on free ports, without Slack's one-post-per-second pace.
  stack = await startLocalStack({
    postIntervalMs: 0,
    slackRateLimit: false,
    watchesDir: join(__dirname, '..', '..', '..', 'watches'),
    log,
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(new URL(path, stack.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function state(user: string): Promise<WorkspaceState> {
  const { status, json } = await call(`/api/state?user=${user}`);
  expect(status).toBe(200);
  return json as unknown as WorkspaceState;
}

/** Where an element with `actionId` is in a message, as the page reports a click. */
function pathTo(message: StandinMessage, actionId: string): { block: number; element: number } {
  for (const [block, b] of (message.blocks ?? []).entries()) {
    const elements = Array.isArray(b.elements) ? (b.elements as { action_id?: string }[]) : [];
    const element = elements.findIndex((e) => e.action_id === actionId);
    if (b.type === 'actions' && element !== -1) return { block, element };
  }
  throw new Error(`no ${actionId} in message ${message.ts}`);
}

function alerts(view: WorkspaceState): StandinMessage[] {
  return view.messages.filter((m) => m.text.match(/^(Critical|Warning|Info): /));
}

function textOfBlocks(blocks: readonly StandinBlock[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

/** An alert nobody acknowledged yet, taken in turn so that each test has its own. */
async function openAlert(user: string): Promise<StandinMessage> {
  const all = alerts(await state(user)).filter((m) =>
    textOfBlocks(m.blocks).includes(ACTION_IDS.acknowledge),
  );
  const taken = openAlert.taken;
  const alert = all.find((m) => !taken.has(m.ts));
  if (!alert) throw new Error('no open alert left');
  taken.add(alert.ts);
  return alert;
}
openAlert.taken = new Set<string>();

describe('the local Slack page', () => {
  it('serves the page and its scripts under a Content-Security-Policy without inline script', async () => {
    const page = await fetch(stack.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/ui/app.js" defer></script>');
    for (const file of ['app.js', 'blockkit.js', 'style.css']) {
      expect((await fetch(new URL(`/ui/${file}`, stack.url))).status).toBe(200);
    }
    expect((await fetch(new URL('/ui/../stack.ts', stack.url))).status).toBe(404);
  });

  it('replays the samples into #infrawatch, each alert with its buttons', async () => {
    const { status, json } = await call('/api/replay', {});
    expect(status).toBe(200);
    expect(json).toEqual({ events: stack.sampleCount, lost: 1, failed: 0 });
    const view = await state(ALICE);
    expect(view.channel).toEqual({ id: 'C0INFRAWATCH', name: 'infrawatch' });
    expect(view.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol', 'infrawatch']);
    expect(alerts(view).length).toBeGreaterThanOrEqual(5);
    for (const alert of alerts(view)) {
      // pathTo throws when the message has no such button.
      expect(pathTo(alert, ACTION_IDS.acknowledge).block).toBe(pathTo(alert, ACTION_IDS.investigate).block);
    }
  });

  it('recovers the sample EventBridge lost from the CloudTrail stand-in, once (POST /reconcile or its schedule)', async () => {
    // Act: the schedule (every 10 s) may have run already; POST /reconcile runs it now, twice.
    const first = await call('/reconcile', {});
    const second = await call('/reconcile', {});

    // Assess: exactly one alert says it was recovered, and it is the lost sample's (CreateVpc).
    expect(first.status).toBe(200);
    expect(second.json).toEqual({ recovered: 0, silentAccounts: [] });
    const recovered = alerts(await state(ALICE)).filter((m) =>
      textOfBlocks(m.blocks).includes('Recovered from CloudTrail (not delivered by EventBridge)'),
    );
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.text).toMatch(/vpc/i);
  });

  it('explains its time-warp: escalation waits divided, schedules every few seconds', async () => {
    expect((await call('/api/clock')).json).toEqual({
      escalationTimeScale: 60,
      sweepEverySeconds: 3,
      reconcileEverySeconds: 10,
    });
  });

  it('acknowledges an alert with a click on its button, and tells a late clicker the message changed', async () => {
    const alert = await openAlert(ALICE);
    const click = {
      ts: alert.ts,
      path: pathTo(alert, ACTION_IDS.acknowledge),
      actionId: ACTION_IDS.acknowledge,
    };
    const { status, json } = await call('/api/action', { user: ALICE, ...click });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 200 });
    expect(json.problem).toBeUndefined();

    const after = (await state(BOB)).messages.find((m) => m.ts === alert.ts);
    expect(textOfBlocks(after?.blocks)).toContain('Acknowledged by <@U0ALICE>');
    expect(textOfBlocks(after?.blocks)).not.toContain(ACTION_IDS.acknowledge);
    expect(after?.edited).toEqual({ user: expect.any(String), ts: expect.stringMatching(/^\d+\.\d+$/) });
    expect((await state(ALICE)).activity.map((a) => [a.request, a.status])).toContainEqual([
      `block_actions ${ACTION_IDS.acknowledge}`,
      200,
    ]);

    // Bob's page still showed the button: the element is gone, so nothing reaches the app.
    const late = await call('/api/action', { user: BOB, ...click });
    expect(late.status).toBe(409);
    expect(late.json.error).toBe('This message changed since it was shown; look again.');
  });

  it('acknowledges with a note through the overflow menu and the modal, checking the form like Slack', async () => {
    const alert = await openAlert(CAROL);
    const path = pathTo(alert, ACTION_IDS.more);
    const elements = (alert.blocks?.[path.block]?.elements ?? []) as { options: { value: string }[] }[];
    const more = elements[path.element];
    const ackNote = more?.options.find((o) => o.value.startsWith('ack_note:'));
    const opened = await call('/api/action', {
      user: CAROL,
      ts: alert.ts,
      path,
      actionId: ACTION_IDS.more,
      selected: [ackNote?.value],
    });
    expect(opened.json).toMatchObject({ status: 200 });

    const modal = (await state(CAROL)).modal;
    expect(modal?.title.text).toBe('Acknowledge');
    expect((await state(ALICE)).modal).toBeNull();
    const input = modal?.blocks.find((b) => b.type === 'input');
    const blockId = String(input?.block_id);

    // Slack's client refuses an empty required field: no request reaches the app.
    const empty = await call('/api/view/submit', { user: CAROL, viewId: modal?.id, inputs: [] });
    expect(empty.json).toEqual({ status: null, elapsedMs: 0 });
    expect((await state(CAROL)).modal?.errors).toEqual({ [blockId]: 'Please fill out this field.' });

    const note = 'Checked <b>it</b> & it was me';
    const submitted = await call('/api/view/submit', {
      user: CAROL,
      viewId: modal?.id,
      inputs: [{ blockId, value: note }],
    });
    expect(submitted.json).toMatchObject({ status: 200 });
    const after = await state(CAROL);
    expect(after.modal).toBeNull();
    const message = after.messages.find((m) => m.ts === alert.ts);
    expect(textOfBlocks(message?.blocks)).toContain('Acknowledged by <@U0CAROL>');
    expect(textOfBlocks(message?.blocks)).toContain('Checked &lt;b&gt;it&lt;/b&gt; &amp; it was me');
  });

  it('opens the Investigate modal for the clicker only, and closes it', async () => {
    const alert = await openAlert(BOB);
    const clicked = await call('/api/action', {
      user: BOB,
      ts: alert.ts,
      path: pathTo(alert, ACTION_IDS.investigate),
      actionId: ACTION_IDS.investigate,
    });
    expect(clicked.json).toMatchObject({ status: 200 });
    const modal = (await state(BOB)).modal;
    expect(modal?.title.text).toBe('Investigate');
    expect(modal?.blocks.length).toBeGreaterThan(3);
    expect((await state(ALICE)).modal).toBeNull();
    // Investigating marks the alert for everyone.
    const message = (await state(ALICE)).messages.find((m) => m.ts === alert.ts);
    expect(textOfBlocks(message?.blocks)).toContain('<@U0BOB>');

    const closed = await call('/api/view/close', { user: BOB, viewId: modal?.id });
    expect(closed.json).toEqual({ status: null, elapsedMs: 0 });
    expect((await state(BOB)).modal).toBeNull();
  });

  it('runs a slash command and shows its ephemeral answer to its user only', async () => {
    const { json } = await call('/api/command', { user: BOB, text: '/infrawatch help' });
    expect(json).toMatchObject({ status: 200 });
    const bobs = (await state(BOB)).ephemerals;
    expect(bobs.at(-1)).toMatchObject({ via: 'command response' });
    expect(bobs.at(-1)?.text).toContain('/infrawatch');
    expect((await state(ALICE)).ephemerals.some((e) => e.id === bobs.at(-1)?.id)).toBe(false);

    const dismissed = await call('/api/ephemeral/dismiss', { user: BOB, id: bobs.at(-1)?.id });
    expect(dismissed.status).toBe(200);
    expect((await state(BOB)).ephemerals.some((e) => e.id === bobs.at(-1)?.id)).toBe(false);

    const unknown = await call('/api/command', { user: BOB, text: '/deploy now' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe('/deploy is not a valid command here; try /infrawatch help.');
  });

  it('posts a digest on /infrawatch digest, through EventBridge and the digest function', async () => {
    const before = (await state(ALICE)).messages.length;
    const { json } = await call('/api/command', { user: ALICE, text: '/infrawatch digest' });
    expect(json).toMatchObject({ status: 200 });
    const view = await state(ALICE);
    expect(view.ephemerals.at(-1)?.via).toBe('command response');
    const posted = view.messages.slice(before);
    expect(posted.map((m) => m.text)).toEqual([
      expect.stringMatching(/^InfraWatch digest: \d+ changes? nobody acknowledged/),
    ]);
    expect(view.activity.map((a) => a.request)).toContain(
      "digest function: 'InfraWatch Digest Requested' (EventBridge rule)",
    );
  });

  it('runs the daily digest once per channel per day, as scheduled', async () => {
    const first = await call('/api/digest', {});
    expect(first.json).toEqual({ posted: ['C0INFRAWATCH'], quiet: [] });
    const digest = (await state(ALICE)).messages.at(-1);
    expect(digest?.text).toMatch(/^InfraWatch digest: /);
    const second = await call('/api/digest', {});
    expect(second.json).toEqual({ posted: [], quiet: ['C0INFRAWATCH'] });
  });

  it('still takes events on POST /events and lists the channel on GET /messages', async () => {
    const event = loadCloudTrailFixture('iam.CreateUser.json');
    const response = await fetch(new URL('/events', stack.url), {
      method: 'POST',
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(200);
    const messages = (await (await fetch(new URL('/messages', stack.url))).json()) as StandinMessage[];
    expect(messages.at(-1)?.text).toBe('Info: christophe created IAM user malicious-iam-user');
  });

  it('refuses requests from other web pages and unknown users', async () => {
    const body = { user: ALICE, text: '/infrawatch help' };
    expect((await call('/api/command', body, { origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(new URL('/api/command', stack.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=U0ALICE&text=%2Finfrawatch+help',
    });
    expect(form.status).toBe(415);
    expect((await call('/api/command', { user: 'U0MALLORY', text: '/infrawatch help' })).status).toBe(400);
  });

  it('shows CloudTrail content an attacker controls as text on the page', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    // A fresh event by another IAM user (no burst with the earlier CreateUser), names chosen by the attacker.
    const event = fixtureWith('iam.CreateUser.json', (detail) => {
      detail.eventID = randomUUID();
      Object.assign(obj(detail.userIdentity), {
        userName: hostile,
        arn: 'arn:aws:iam::229654561268:user/mallory',
      });
      obj(detail.requestParameters).userName = hostile;
      obj(obj(detail.responseElements).user).userName = hostile;
    });
    const posted = await fetch(new URL('/events', stack.url), {
      method: 'POST',
      body: JSON.stringify(event),
    });
    expect(posted.status).toBe(200);
    const message = (await state(ALICE)).messages.find((m) =>
      m.text.includes('&lt;img src=x onerror=alert(1)&gt;'),
    );
    expect(message?.blocks?.length).toBeGreaterThan(0);
    const root = renderBlocks(new MiniDocument(), message?.blocks ?? []) as MiniElement;
    expect(root.textContent).toContain(hostile);
    for (const el of root.elements()) {
      expect(['img', 'script']).not.toContain(el.tagName);
      expect([...el.attributes.keys()].filter((name) => name.startsWith('on'))).toEqual([]);
    }
  });

  it('answers POST /events with what happened: posted, grouped, duplicate, muted, not watched, rejected (why)', async () => {
    // Prepare: CreateUser events by an actor of their own, so no earlier burst of this suite is joined.
    const byDana = () =>
      fixtureWith('iam.CreateUser.json', (detail, event) => {
        detail.eventID = randomUUID();
        event.id = randomUUID();
        Object.assign(obj(detail.userIdentity), {
          userName: 'dana',
          arn: 'arn:aws:iam::229654561268:user/dana',
        });
      });
    const post = async (event: unknown) => {
      const response = await fetch(new URL('/events', stack.url), {
        method: 'POST',
        body: JSON.stringify(event),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const first = byDana();
    const eventId = String(obj(first.detail).eventID);

    // Act
    const posted = await post(first);
    const duplicate = await post(first);
    const grouped = await post(byDana());
    const dana = 'actor:arn:aws:iam::229654561268:user/dana';
    await call('/api/command', { user: ALICE, text: `/infrawatch mute ${dana} for 1h` });
    const muted = await post(byDana());
    await call('/api/command', { user: ALICE, text: `/infrawatch unmute ${dana}` });
    const unwatched = await post(
      fixtureWith('iam.CreateUser.json', (detail, event) => {
        detail.eventID = randomUUID();
        event.id = randomUUID();
        detail.eventName = 'GetUser';
        detail.readOnly = true;
      }),
    );
    const rejected = await post({ hello: 'world' });

    // Assess
    expect(posted).toMatchObject({
      status: 200,
      body: {
        eventId,
        result: 'posted',
        channels: [{ channel: 'C0INFRAWATCH', result: 'posted', ts: expect.any(String) }],
      },
    });
    expect(duplicate).toMatchObject({ status: 200, body: { eventId, result: 'duplicate' } });
    expect(grouped).toMatchObject({
      status: 200,
      body: { result: 'grouped', channels: [{ result: 'grouped', changes: 2 }] },
    });
    expect(muted).toMatchObject({
      status: 200,
      body: { result: 'muted', channels: [{ result: 'muted', mute: expect.stringContaining('user/dana') }] },
    });
    expect(unwatched).toMatchObject({ status: 200, body: { result: 'not-watched' } });
    expect(rejected).toMatchObject({
      status: 422,
      body: { result: 'rejected', reason: expect.stringMatching(/CloudTrail/) },
    });
    for (const answer of [posted, duplicate, grouped, muted, unwatched, rejected]) {
      expect(answer.body.summary).toEqual(expect.any(String));
      expect(answer.body).not.toHaveProperty('batchItemFailures');
    }
  });
});
