import { createMemoryPipeline } from '../../src/store/memory/pipeline';
import type { SlackMessageRef } from '../../src/store/ports';
import { checkHeartbeat, type HeartbeatDeps, type NoticeMessenger } from '../../src/use-cases/heartbeat';
import type { Clock, RenderedMessage } from '../../src/use-cases/ports';

const NOW = Date.parse('2026-12-08T12:00:00Z');
const PROD = '210987654321';
const hoursAgo = (hours: number, from = NOW) => new Date(from - hours * 3_600_000).toISOString();

/** Slack as the notice needs it; `loseAnswers` posts and then fails, as a timeout after Slack posted does. */
function slackFake(): NoticeMessenger & { posts: { noticeId: string; text: string }[]; loseAnswers: number } {
  const posts: { noticeId: string; text: string; ts: string }[] = [];
  return {
    posts,
    loseAnswers: 0,
    async post(channel: string, message: RenderedMessage, noticeId: string): Promise<SlackMessageRef> {
      const ts = `1.${String(posts.length + 1).padStart(6, '0')}`;
      posts.push({ noticeId, text: message.text, ts });
      if (this.loseAnswers > 0) {
        this.loseAnswers -= 1;
        throw new Error('socket hang up');
      }
      return { channel, ts };
    },
    async findPosted(channel, noticeId) {
      const post = posts.find((p) => p.noticeId === noticeId);
      return post && { channel, ts: post.ts };
    },
  };
}

function setup() {
  let now = NOW;
  const advance = (ms: number) => {
    now += ms;
  };
  const clock: Clock = { now: () => new Date(now), sleep: async (ms) => advance(ms) };
  const pipeline = createMemoryPipeline(async () => false);
  const messenger = slackFake();
  const deps: HeartbeatDeps = {
    pipeline,
    messenger,
    clock,
    channel: 'C0ALERTS',
    accountAlias: { [PROD]: 'prod' },
  };
  return { pipeline, messenger, deps, advance, now: () => now };
}

/** Changes on each of `days` days before `lastSeen`, the latest at `lastSeen`. */
async function activeOn(pipeline: ReturnType<typeof setup>['pipeline'], days: number, lastSeen: string) {
  for (let day = days - 1; day >= 1; day--)
    await pipeline.noteActivity(PROD, hoursAgo(24 * day, Date.parse(lastSeen)));
  await pipeline.noteActivity(PROD, lastSeen);
}

describe('checkHeartbeat (memory store)', () => {
  it('posts one notice when an account that usually has changes has had none for 24 h', async () => {
    // Prepare: changes on 5 days, the latest 25 h ago.
    const { pipeline, messenger, deps } = setup();
    await activeOn(pipeline, 5, hoursAgo(25));

    // Act: the job runs every 15 minutes.
    const first = await checkHeartbeat([PROD], deps);
    const second = await checkHeartbeat([PROD], deps);

    // Assess
    expect(first).toEqual([{ account: PROD, status: 'quiet', lastSeen: hoursAgo(25), activeDays: 5 }]);
    expect(second[0]?.status).toBe('announced');
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.posts[0]?.text).toBe(
      'InfraWatch has not seen a change from account prod (210987654321) since 2026-12-07 11:00 UTC: is the trail still logging?',
    );
  });

  it('stays silent for an active account and for one that rarely has changes', async () => {
    const { pipeline, messenger, deps } = setup();
    await activeOn(pipeline, 5, hoursAgo(23));
    expect((await checkHeartbeat([PROD], deps))[0]?.status).toBe('active');
    const rare = setup();
    await activeOn(rare.pipeline, 2, hoursAgo(30));
    expect((await checkHeartbeat([PROD], rare.deps))[0]?.status).toBe('rarely-active');
    expect([...messenger.posts, ...rare.messenger.posts]).toEqual([]);
  });

  it('announces a new silence once changes resumed and stopped again', async () => {
    // Prepare: announced once.
    const { pipeline, messenger, deps, advance, now } = setup();
    await activeOn(pipeline, 5, hoursAgo(25));
    await checkHeartbeat([PROD], deps);

    // Act: a change two days later, then 24 h of silence again.
    advance(48 * 3_600_000);
    await pipeline.noteActivity(PROD, new Date(now()).toISOString());
    const resumed = await checkHeartbeat([PROD], deps);
    advance(25 * 3_600_000);
    const quietAgain = await checkHeartbeat([PROD], deps);

    // Assess
    expect(resumed[0]?.status).toBe('active');
    expect(quietAgain[0]?.status).toBe('quiet');
    expect(messenger.posts.map((p) => p.noticeId)).toHaveLength(2);
    expect(new Set(messenger.posts.map((p) => p.noticeId)).size).toBe(2);
  });

  it('finds a notice whose answer was lost instead of posting it twice', async () => {
    // Prepare
    const { pipeline, messenger, deps, advance } = setup();
    await activeOn(pipeline, 5, hoursAgo(25));
    messenger.loseAnswers = 1;

    // Act: the first run fails after Slack posted; the next run after the claim's lease runs out.
    await expect(checkHeartbeat([PROD], deps)).rejects.toThrow('socket hang up');
    expect((await checkHeartbeat([PROD], deps))[0]?.status).toBe('announced');
    advance(5 * 60_000 + 1);
    const retry = await checkHeartbeat([PROD], deps);

    // Assess
    expect(retry[0]?.status).toBe('quiet');
    expect(messenger.posts).toHaveLength(1);
    expect((await checkHeartbeat([PROD], deps))[0]?.status).toBe('announced');
  });
});
