/**
 * The render lease against the real Slack adapter (WebClient over the stand-in) and every store: a post that
 * got no answer may still land in Slack after its worker gave up, so the next render must not search the
 * history (and post again) before it could have landed; and two renders of one alert in one invocation (one
 * owner) must not both believe they hold the lease.
 */
import { type SlackStandin, startSlackStandin } from '../../app/local/slack';
import { createAlertMessenger } from '../../app/slack/alert-messenger';
import { createSlackClients } from '../../app/slack/client';
import type { Store } from '../../src/store/ports';
import type { AlertDeps, Clock } from '../../src/use-cases/ports';
import { RenderPendingError, syncAlertMessage } from '../../src/use-cases/sync-alert';
import { testRenderer } from '../helpers/renderers';
import { STORE_KINDS, useStores } from '../helpers/stores';
import { seedAlert } from '../helpers/use-cases';
import { alertMessages } from '../reliability/audit';

const TOKEN = 'xoxb-test-0000-lease';
const CHANNEL = 'C1';
/** The client gives up on a call after this long. */
const SLACK_TIMEOUT_MS = 200;
/** Longer than a lease can be kept from others after a send without an answer (LEASE_MS + the grace, 27 s). */
const PAST_THE_LEASE_MS = 30_000;

/** Real time, moved forward on demand: lease expiry without waiting for it. */
function movableClock(): Clock & { jump(ms: number): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    jump: (ms) => {
      offset += ms;
    },
  };
}

const until = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.each(STORE_KINDS)('render lease with the Slack adapter on %s', (kind) => {
  const stores = useStores(kind);
  let slack: SlackStandin;
  let store: Store;
  let clock: ReturnType<typeof movableClock>;
  const worker = (owner: string): AlertDeps => ({
    store,
    clock,
    owner,
    render: testRenderer(),
    messenger: createAlertMessenger(
      createSlackClients(TOKEN, { slackApiUrl: slack.url, timeoutMs: SLACK_TIMEOUT_MS }),
      clock,
      { postIntervalMs: 0 },
    ),
  });
  const posts = () => alertMessages(slack, CHANNEL).get('A1') ?? [];

  beforeEach(async () => {
    slack = await startSlackStandin({ botToken: TOKEN, rateLimit: false });
    store = await stores.fresh();
    clock = movableClock();
  });
  afterEach(async () => {
    await slack.close();
  });

  it('keeps the lease after a post that got no answer, so the next worker finds that post when it lands instead of posting again', async () => {
    // Prepare: the post gets no answer; Slack carries it out 600 ms after it arrived, long after the client
    // gave up (200 ms).
    const rev = await seedAlert(store, 'A1');
    slack.failNext('chat.postMessage', { hang: true, afterApplying: true, applyAfterMs: 600 });

    // Act 1: worker 1's post times out; worker 2 renders at once, before the post has landed.
    await expect(syncAlertMessage(worker('worker-1'), 'A1', rev)).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    const early = syncAlertMessage(worker('worker-2'), 'A1', rev, { waitMs: 0 });

    // Assess 1: worker 2 leaves it to a retry instead of posting.
    await expect(early).rejects.toBeInstanceOf(RenderPendingError);
    await until(() => posts().length > 0);

    // Act 2: the lease has run out (and its grace): worker 3 takes over.
    clock.jump(PAST_THE_LEASE_MS);
    const alert = await syncAlertMessage(worker('worker-3'), 'A1', rev, { waitMs: 0 });

    // Assess 2: one message, the late one, recorded on the alert.
    expect(posts()).toHaveLength(1);
    expect(alert).toMatchObject({ renderedRev: rev, message: { channel: CHANNEL, ts: posts()[0] } });
  });

  it('releases the lease at once after a post Slack refused: the next worker posts without waiting', async () => {
    // Prepare: Slack answers the first post with an error (nothing posted).
    const rev = await seedAlert(store, 'A1');
    slack.failNext('chat.postMessage', { error: 'internal_error' });

    // Act
    await expect(syncAlertMessage(worker('worker-1'), 'A1', rev)).rejects.toMatchObject({
      data: { error: 'internal_error' },
    });
    const alert = await syncAlertMessage(worker('worker-2'), 'A1', rev, { waitMs: 0 });

    // Assess
    expect(posts()).toHaveLength(1);
    expect(alert.message?.ts).toBe(posts()[0]);
  });

  it('posts once when two renders of one alert run at once under one owner (one invocation)', async () => {
    // Prepare: one invocation's worker, rendering the same unposted alert twice side by side (a delayed render
    // beside the batch's own render of it).
    const rev = await seedAlert(store, 'A1');
    const invocation = worker('invocation-1');

    // Act
    const rendered = await Promise.all([
      syncAlertMessage(invocation, 'A1', rev),
      syncAlertMessage(invocation, 'A1', rev),
    ]);

    // Assess: one post; both renders see it.
    expect(posts()).toHaveLength(1);
    expect(rendered.map((alert) => alert.message?.ts)).toEqual([posts()[0], posts()[0]]);
  });
});
