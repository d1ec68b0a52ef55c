import { actorKeyOf } from '../../src/changes/actor-key';
import { toLine } from '../../src/changes/burst';
import { changeCountOf } from '../../src/model/alert';
import type { Change } from '../../src/model/change';
import { createMemoryStore } from '../../src/store/memory';
import type { SlackMessageRef, Store } from '../../src/store/ports';
import type { EventPublisher, InteractionDeps } from '../../src/use-cases/acknowledge';
import type { AlertMessenger, Clock, Escalation, RenderedMessage } from '../../src/use-cases/ports';
import { makeChange } from './changes';
import { testRenderer } from './renderers';

/** An in-memory fake of the AlertMessenger port: records what reached "Slack". */
export class RecordingMessenger implements AlertMessenger {
  posts: { channel: string; alertId: string; text: string; ts: string }[] = [];
  updates: { ts: string; text: string }[] = [];
  pings: { ts: string; text: string; escalation: Escalation }[] = [];
  failPosts = 0;
  failUpdates = 0;
  /** Posts that never answer (a black-holed Slack): the caller hangs as a Lambda would until its timeout. */
  hangPosts = 0;
  hung = 0;
  /** Called before each post (a test's chance to act "while Slack is being called"). */
  beforePost: (() => Promise<void>) | undefined;
  private counter = 0;
  async post(channel: string, message: RenderedMessage, alertId: string): Promise<SlackMessageRef> {
    await this.beforePost?.();
    if (this.hangPosts > 0) {
      this.hangPosts -= 1;
      this.hung += 1;
      return new Promise<SlackMessageRef>(() => undefined);
    }
    if (this.failPosts > 0) {
      this.failPosts -= 1;
      throw new Error('slack down');
    }
    this.counter += 1;
    const ts = `1.${String(this.counter).padStart(6, '0')}`;
    this.posts.push({ channel, alertId, text: message.text, ts });
    return { channel, ts };
  }
  async update(ref: SlackMessageRef, message: RenderedMessage): Promise<void> {
    if (this.failUpdates > 0) {
      this.failUpdates -= 1;
      throw new Error('slack down');
    }
    this.updates.push({ ts: ref.ts, text: message.text });
  }
  async notify(ref: SlackMessageRef, message: RenderedMessage, escalation: Escalation): Promise<void> {
    this.pings.push({ ts: ref.ts, text: message.text, escalation });
  }
  async findNotified(ref: SlackMessageRef, escalation: Escalation): Promise<boolean> {
    return this.pings.some(
      (p) =>
        p.ts === ref.ts &&
        p.escalation.alertId === escalation.alertId &&
        p.escalation.severity === escalation.severity,
    );
  }
  async findPosted(channel: string, alertId: string): Promise<SlackMessageRef | undefined> {
    const post = this.posts.find((p) => p.channel === channel && p.alertId === alertId);
    return post && { channel, ts: post.ts };
  }
}

/** A clock that starts at `start` and moves only when someone sleeps (or `advance` is called). */
export function manualClock(start = '2026-11-27T10:00:00Z'): Clock & { advance(ms: number): void } {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** An EventPublisher fake: what was published, and a switch to make it fail. */
export function recordingPublisher(): EventPublisher & {
  published: { detailType: string; detail: Record<string, unknown> }[];
  fail: boolean;
} {
  const publisher = {
    published: [] as { detailType: string; detail: Record<string, unknown> }[],
    fail: false,
    async publish(detailType: string, detail: Record<string, unknown>) {
      if (publisher.fail) throw new Error('EventBridge down');
      publisher.published.push({ detailType, detail });
    },
  };
  return publisher;
}

/** The acknowledge/investigate use cases' dependencies (on the memory store by default), with fakes that record. */
export function interactionSetup(owner = 'worker-1', store: Store = createMemoryStore()) {
  const messenger = new RecordingMessenger();
  const clock = manualClock();
  const events = recordingPublisher();
  // The status makes a render observable: "open", "investigating" or "acknowledged".
  const render = testRenderer((content) => ({
    text: `${content.status}: ${changeCountOf(content)} change(s)`,
    blocks: [],
  }));
  const deps: InteractionDeps = { store, messenger, clock, render, owner, events };
  return { store, messenger, clock, events, deps };
}

/** Stores `changes` and appends them to alert `alertId` in `channel` (never rendered). @returns the alert's rev. */
export async function seedAlert(
  store: Store,
  alertId: string,
  changes: readonly Change[] = [makeChange()],
  channel = 'C1',
): Promise<number> {
  const first = changes[0] ?? makeChange();
  for (const change of changes)
    await store.changes.save({
      change,
      raw: JSON.stringify({ id: change.id }),
      receivedAt: change.time,
    });
  const result = await store.alerts.append(
    {
      id: alertId,
      channel,
      watch: first.watch,
      actorKey: actorKeyOf(first.actor),
      account: first.account,
      createdAt: first.time,
    },
    changes.map(toLine),
  );
  if (result.status !== 'appended') throw new Error(`alert ${alertId} is acknowledged`);
  return result.rev;
}
