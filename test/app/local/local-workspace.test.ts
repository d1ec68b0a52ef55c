import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type types, verifySlackRequest } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { createLocalWorkspace, type LocalWorkspace } from '../../../app/local/local-workspace';
import { type SlackStandin, startSlackStandin } from '../../../app/local/slack';

const SECRET = 'workspace-test-signing-secret';
const TOKEN = 'xoxb-workspace-test';
const CHANNEL = { id: 'C0LOCAL', name: 'infrawatch' };
const ALICE = 'U0ALICE';
const RESPONSE_URL = 'http://127.0.0.1:9/slack/response-url';

interface Received {
  headers: Record<string, string>;
  body: string;
  payload: Record<string, unknown>;
}

type Answer = { status?: number; json?: unknown; text?: string };

/** An app that records what the local Slack sends it and answers what the test says. */
interface RecordingApp {
  url: string;
  received: Received[];
  answers: Answer[];
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startRecordingApp(): Promise<RecordingApp> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    const form = Object.fromEntries(new URLSearchParams(body));
    const payload =
      typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
    received.push({ headers: req.headers as Record<string, string>, body, payload });
    const answer = answers.shift() ?? {};
    if (answer.json !== undefined) {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    } else {
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
      res.end(answer.text ?? '');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    received,
    answers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let slack: SlackStandin;
let app: RecordingApp;
let workspace: LocalWorkspace;
let bot: WebClient;

beforeEach(async () => {
  slack = await startSlackStandin({
    botToken: TOKEN,
    teamId: 'T0LOCAL001',
    rateLimit: false,
    users: [{ id: ALICE, name: 'alice' }],
    channels: [CHANNEL],
  });
  app = await startRecordingApp();
  workspace = createLocalWorkspace({
    slack,
    appUrl: app.url,
    signingSecret: SECRET,
    channel: CHANNEL,
    users: [{ id: ALICE, name: 'alice' }],
    command: '/infrawatch',
    responseUrl: RESPONSE_URL,
  });
  bot = new WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
});

afterEach(async () => {
  await app.close();
  await slack.close();
});

function verified(request: Received | undefined): boolean {
  if (!request) return false;
  try {
    verifySlackRequest({
      signingSecret: SECRET,
      body: request.body,
      headers: {
        'x-slack-signature': request.headers['x-slack-signature'] ?? '',
        'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
      },
    });
    return true;
  } catch {
    return false;
  }
}

describe('createLocalWorkspace', () => {
  it('sends a slash command as Slack does: signed form, fresh trigger_id, its ephemeral answer shown to its user', async () => {
    app.answers.push({ json: { response_type: 'ephemeral', text: 'Building the digest…' } });
    const result = await workspace.runCommand(ALICE, '/infrawatch  digest now ');
    expect(result).toMatchObject({ status: 200 });
    const [request] = app.received;
    expect(verified(request)).toBe(true);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.payload).toMatchObject({
      team_id: 'T0LOCAL001',
      channel_id: CHANNEL.id,
      channel_name: CHANNEL.name,
      user_id: ALICE,
      user_name: 'alice',
      command: '/infrawatch',
      text: 'digest now',
      api_app_id: slack.identity.appId,
    });
    expect(workspace.state(ALICE).ephemerals.map((e) => [e.text, e.via])).toEqual([
      ['Building the digest…', 'command response'],
    ]);
    // The trigger_id opens a modal, once.
    const trigger = String(request?.payload.trigger_id);
    const view: types.ModalView = { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] };
    await expect(bot.views.open({ trigger_id: trigger, view })).resolves.toMatchObject({ ok: true });
    await expect(bot.views.open({ trigger_id: trigger, view })).rejects.toThrow('exchanged_trigger_id');

    expect(request?.payload.response_url).toBe(RESPONSE_URL);
  });

  it('shows a bare-text command answer ephemerally, and tells the user when the app fails', async () => {
    app.answers.push({ text: 'plain answer' }, { status: 500, text: 'boom' });
    await workspace.runCommand(ALICE, '/infrawatch help');
    expect(workspace.state(ALICE).ephemerals.map((e) => e.text)).toEqual(['plain answer']);
    const failed = await workspace.runCommand(ALICE, '/infrawatch help');
    expect(failed).toMatchObject({
      status: 500,
      problem: '/infrawatch failed: the app answered HTTP 500 (Slack shows an error).',
    });
  });

  it('sends block_actions with the message, Slack-generated block ids and the element clicked', async () => {
    const posted = await bot.chat.postMessage({
      channel: CHANNEL.id,
      text: 'alert',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*alert*' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'ack',
              text: { type: 'plain_text', text: 'Acknowledge' },
              value: 'a1',
            },
            {
              type: 'overflow',
              action_id: 'more',
              options: [
                { text: { type: 'plain_text', text: 'Note' }, value: 'note:a1' },
                { text: { type: 'plain_text', text: 'Mute' }, value: 'mute:a1' },
              ],
            },
          ],
        },
      ],
      metadata: { event_type: 'infrawatch_alert', event_payload: { alert_id: 'a1' } },
    });
    const ts = String(posted.ts);
    await workspace.clickElement(ALICE, {
      ts,
      path: { block: 1, element: 1 },
      actionId: 'more',
      selected: ['mute:a1'],
    });
    const payload = app.received[0]?.payload ?? {};
    expect(verified(app.received[0])).toBe(true);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE, username: 'alice', name: 'alice', team_id: 'T0LOCAL001' },
      team: { id: 'T0LOCAL001', domain: 'infrawatch-local' },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL.id, is_ephemeral: false },
      channel: CHANNEL,
      state: { values: {} },
      actions: [
        {
          type: 'overflow',
          action_id: 'more',
          block_id: 'b1',
          selected_option: { text: { type: 'plain_text', text: 'Mute' }, value: 'mute:a1' },
        },
      ],
    });
    const message = payload.message as { ts: string; blocks: { block_id: string }[]; metadata?: unknown };
    expect(message.ts).toBe(ts);
    expect(message.blocks.map((b) => b.block_id)).toEqual(['b0', 'b1']);
    expect(message.metadata).toBeUndefined();
    expect(typeof payload.trigger_id).toBe('string');
    expect(payload.response_url).toBe(RESPONSE_URL);

    // An option the menu does not offer never reaches the app.
    await expect(
      workspace.clickElement(ALICE, {
        ts,
        path: { block: 1, element: 1 },
        actionId: 'more',
        selected: ['mute:somebody-else'],
      }),
    ).rejects.toThrow('That option is not offered by this menu.');
    await expect(
      workspace.clickElement(ALICE, {
        ts,
        path: { block: 1, element: 0 },
        actionId: 'more',
        selected: [],
      }),
    ).rejects.toThrow('This message changed since it was shown; look again.');
    expect(app.received).toHaveLength(1);
  });

  it("submits a modal, shows Slack's own and the app's errors, and closes it on an empty answer", async () => {
    const modal = {
      type: 'modal' as const,
      callback_id: 'note_modal',
      private_metadata: '{"alertId":"a1"}',
      title: { type: 'plain_text' as const, text: 'Acknowledge' },
      submit: { type: 'plain_text' as const, text: 'Save' },
      blocks: [
        {
          type: 'input' as const,
          label: { type: 'plain_text' as const, text: 'Note' },
          element: { type: 'plain_text_input' as const, action_id: 'note', max_length: 10 },
        },
      ],
    };
    const opened = await bot.views.open({ trigger_id: slack.issueTriggerId({ userId: ALICE }), view: modal });
    const viewId = String(opened.view?.id);
    expect(workspace.state(ALICE).modal).toMatchObject({ id: viewId, errors: {} });

    // Slack's client checks lengths before sending.
    expect(
      await workspace.submitView(ALICE, viewId, [{ blockId: 'b0', value: 'far too long a note' }]),
    ).toEqual({
      status: null,
      elapsedMs: 0,
    });
    expect(workspace.state(ALICE).modal?.errors).toEqual({ b0: 'Enter at most 10 characters.' });
    expect(app.received).toHaveLength(0);

    app.answers.push({ json: { response_action: 'errors', errors: { b0: 'Already acknowledged.' } } });
    await workspace.submitView(ALICE, viewId, [{ blockId: 'b0', value: 'seen' }]);
    const submission = app.received[0]?.payload ?? {};
    expect(verified(app.received[0])).toBe(true);
    expect(submission).toMatchObject({
      type: 'view_submission',
      user: { id: ALICE, name: 'alice' },
      view: {
        id: viewId,
        callback_id: 'note_modal',
        private_metadata: '{"alertId":"a1"}',
        state: { values: { b0: { note: { type: 'plain_text_input', value: 'seen' } } } },
      },
      response_urls: [],
    });
    expect(workspace.state(ALICE).modal?.errors).toEqual({ b0: 'Already acknowledged.' });

    app.answers.push({ json: { response_action: 'push', view: modal } });
    const pushed = await workspace.submitView(ALICE, viewId, [{ blockId: 'b0', value: 'seen' }]);
    expect(pushed.problem).toBe(
      "The app answered response_action 'push', which the local Slack does not model.",
    );

    app.answers.push({ text: '' });
    await workspace.submitView(ALICE, viewId, [{ blockId: 'b0', value: 'seen' }]);
    expect(workspace.state(ALICE).modal).toBeNull();
  });

  it('closes a modal without telling the app (InfraWatch asks for no view_closed)', async () => {
    const opened = await bot.views.open({
      trigger_id: slack.issueTriggerId({ userId: ALICE }),
      view: {
        type: 'modal',
        callback_id: 'closing',
        title: { type: 'plain_text', text: 'Bye' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
      },
    });
    workspace.closeView(ALICE, String(opened.view?.id));
    expect(app.received).toHaveLength(0);
    expect(workspace.state(ALICE).modal).toBeNull();
    expect(() => workspace.closeView(ALICE, String(opened.view?.id))).toThrow(
      'This modal is no longer open.',
    );
  });
});
