import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageJournalError, type SlackStandin, startSlackStandin } from '../../../app/local/slack';
import { SLACK_MESSAGES_FILE, startLocalStack } from '../../../app/local/stack';
import { slackTestToken, standinWebClient } from '../../helpers/slack-standin-client';

const ALERTS = 'C0ALERTS01';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function messagesFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'infrawatch-slack-')), SLACK_MESSAGES_FILE);
}

describe('the Slack stand-in across restarts', () => {
  let now: number;
  const running: SlackStandin[] = [];

  async function start(file: string): Promise<SlackStandin> {
    const slack = await startSlackStandin({
      botToken: slackTestToken,
      clock: () => now,
      channels: [{ id: ALERTS, name: 'alerts' }],
      rateLimit: false,
      messagesFile: file,
    });
    running.push(slack);
    return slack;
  }

  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  afterEach(async () => {
    for (const slack of running.splice(0)) await slack.close();
  });

  it('finds its messages, threads and metadata again when started on the same file', async () => {
    // Prepare
    const file = messagesFile();
    const first = await start(file);
    const client = standinWebClient(first);
    const metadata = { event_type: 'infrawatch_alert', event_payload: { alertId: 'a1' } };
    const alert = await client.chat.postMessage({ channel: ALERTS, text: 'alert 1', metadata });
    now += 1_000;
    const second = await client.chat.postMessage({ channel: ALERTS, text: 'alert 2' });
    await client.chat.postMessage({ channel: ALERTS, text: 'now critical', thread_ts: alert.ts as string });
    await client.chat.update({ channel: ALERTS, ts: second.ts as string, text: 'alert 2, 3 changes' });
    const before = first.messages(ALERTS);
    await first.close();

    // Act
    // A clock behind the stored messages (a test clock, another machine's): new ts must still be later.
    now = 1_700_000_000_000;
    const restarted = await start(file);
    const again = standinWebClient(restarted);
    const history = await again.conversations.history({ channel: ALERTS, include_all_metadata: true });
    const replies = await again.conversations.replies({ channel: ALERTS, ts: alert.ts as string });
    const updated = await again.chat.update({
      channel: ALERTS,
      ts: alert.ts as string,
      text: 'acknowledged',
    });
    const posted = await again.chat.postMessage({ channel: ALERTS, text: 'alert 3' });

    // Assess
    expect(
      restarted
        .messages(ALERTS)
        .slice(0, 3)
        .map((m) => m.ts),
    ).toEqual(before.map((m) => m.ts));
    expect(history.messages?.map((m) => [m.text, m.reply_count])).toEqual([
      ['alert 2, 3 changes', undefined],
      ['alert 1', 1],
    ]);
    expect(history.messages?.[1]?.metadata).toEqual(metadata);
    expect(replies.messages?.map((m) => m.text)).toEqual(['alert 1', 'now critical']);
    expect(updated).toMatchObject({ ok: true, text: 'acknowledged' });
    expect(restarted.message(ALERTS, alert.ts as string)?.text).toBe('acknowledged');
    // A restored ts is never handed out again, whatever the clock says.
    expect(Number(posted.ts)).toBeGreaterThan(Math.max(...before.map((m) => Number(m.edited?.ts ?? m.ts))));
  });

  it('keeps removals and resets, and compacts the file to one line per message when it opens', async () => {
    // Prepare
    const file = messagesFile();
    const first = await start(file);
    const client = standinWebClient(first);
    const kept = await client.chat.postMessage({ channel: ALERTS, text: 'kept' });
    const gone = await client.chat.postMessage({ channel: ALERTS, text: 'gone' });
    for (const text of ['v2', 'v3', 'v4']) {
      await client.chat.update({ channel: ALERTS, ts: kept.ts as string, text });
    }
    first.removeMessage(ALERTS, gone.ts as string);
    await first.close();

    // Act
    const second = await start(file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    second.reset();
    await second.close();
    const third = await start(file);

    // Assess
    expect(second.messages(ALERTS)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ put: { ts: kept.ts, text: 'v4' } });
    expect(third.messages(ALERTS)).toEqual([]);
  });

  it('drops a torn last line (a call that was never answered) and refuses a damaged file', async () => {
    // Prepare
    const file = messagesFile();
    const first = await start(file);
    await standinWebClient(first).chat.postMessage({ channel: ALERTS, text: 'answered' });
    await first.close();
    appendFileSync(file, '{"put":{"type":"message","channel":"C0ALERTS01","ts":"17000');

    // Act
    const second = await start(file);
    const texts = second.messages(ALERTS).map((m) => m.text);
    await second.close();
    writeFileSync(file, `not json\n${readFileSync(file, 'utf8')}`);

    // Assess
    expect(texts).toEqual(['answered']);
    const refused = await start(file).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MessageJournalError);
    expect((refused as Error).message).toBe(
      `the local Slack's message file ${file} is damaged at line 1: move it away or delete it to start with an empty channel`,
    );
  });
});

describe('npm start twice on the same data folder', () => {
  it("keeps the first run's alerts, and the second run updates them instead of losing them", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'infrawatch-data-'));
    const options = { dataDir, log: quiet, postIntervalMs: 0, slackRateLimit: false } as const;
    const first = await startLocalStack(options);
    let firstRun: string[];
    try {
      await first.replaySamples();
      // The sample lost on purpose on the way to EventBridge is posted by reconciliation.
      await first.runReconcile();
      firstRun = first.slack.messages(first.channel.id).map((m) => m.ts);
    } finally {
      await first.stop();
    }

    // Act
    const second = await startLocalStack(options);
    try {
      const restored = second.slack.messages(second.channel.id).map((m) => m.ts);
      const result = await second.replaySamples();

      // Assess
      expect(firstRun).toHaveLength(second.sampleCount);
      expect(restored).toEqual(firstRun);
      expect(result.failed).toBe(0);
      // The new samples join the first run's bursts (same actors, within the window): their messages are updated.
      // users_not_found is Slack's answer for a sample actor's e-mail nobody in the workspace has ("Was this you?"
      // asks nobody then); every other refusal is a bug.
      const refused = second.slack.calls.filter(
        (c) =>
          typeof c.response.body !== 'string' &&
          !c.response.body.ok &&
          !(c.method === 'users.lookupByEmail' && c.response.body.error === 'users_not_found'),
      );
      expect(refused.map((c) => [c.method, (c.response.body as { error?: string }).error])).toEqual([]);
      const after = second.slack.messages(second.channel.id);
      expect(after.filter((m) => firstRun.includes(m.ts) && m.edited !== undefined).length).toBeGreaterThan(
        0,
      );
    } finally {
      await second.stop();
    }
  }, 60_000);
});
