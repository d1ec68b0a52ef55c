/**
 * The workspace the stand-in's methods share: channels, their messages (kept on disk when a journal is given),
 * ephemerals, modals and trigger_ids, on an injectable clock.
 */
import { randomBytes } from 'node:crypto';
import { SlackMethodError } from './args';
import type { ChannelHistory, MessageJournal } from './message-journal';
import type { OpenedView, StandinEphemeral, StandinIdentity, StandinMessage } from './types';

/** A conversation the stand-in knows. */
export interface StandinChannel {
  readonly id: string;
  readonly name: string;
}

interface Trigger {
  readonly issuedAt: number;
  readonly userId: string | undefined;
  used: boolean;
}

/** Slack's trigger_ids expire after 3 seconds. */
export const TRIGGER_TTL_MS = 3_000;

export class StandinState {
  readonly users: ReadonlySet<string>;
  ephemerals: StandinEphemeral[] = [];
  views: OpenedView[] = [];
  private channels = new Map<string, StandinChannel>();
  private history: ChannelHistory = new Map();
  private triggers = new Map<string, Trigger>();
  private lastTsMicros = 0;
  private counter = 0;

  constructor(
    readonly identity: StandinIdentity,
    readonly clock: () => number,
    /** Known channels; without a list, a channel is created on first use (an ID like `C123` keeps its ID). */
    private readonly channelList: readonly StandinChannel[] | undefined,
    users: readonly string[],
    private readonly journal: MessageJournal | undefined,
  ) {
    this.users = new Set(users);
    this.seedChannels();
    if (journal) {
      this.history = journal.history;
      for (const [channelId, messages] of this.history) {
        if (!this.channels.has(channelId)) this.createChannel(channelId);
        for (const m of messages) this.advanceTs(m.edited?.ts ?? m.ts);
      }
    }
  }

  /** Forgets messages (and empties the journal), ephemerals, modals and trigger_ids. */
  reset(): void {
    this.history = new Map();
    this.journal?.clear();
    this.ephemerals = [];
    this.views = [];
    this.triggers = new Map();
    this.seedChannels();
  }

  private seedChannels(): void {
    this.channels = new Map((this.channelList ?? []).map((c) => [c.id, { id: c.id, name: c.name }]));
  }

  /** A channel by ID or name (`#alerts` or `alerts`), created on first use when no channel list is configured. */
  channel(ref: string): StandinChannel {
    const name = ref.replace(/^#/, '');
    const found = this.channels.get(ref) ?? [...this.channels.values()].find((c) => c.name === name);
    const channel = found ?? this.createChannel(ref);
    if (!channel) throw new SlackMethodError('channel_not_found');
    return channel;
  }

  /** A channel's messages, thread replies included, in ts order. */
  messages(channelId: string): readonly StandinMessage[] {
    return this.history.get(channelId) ?? [];
  }

  message(channelId: string, ts: string): StandinMessage | undefined {
    return this.messages(channelId).find((m) => m.ts === ts);
  }

  /** Stores a new message, or the new state of an existing one, before the call is answered. */
  put(message: StandinMessage): void {
    const messages = this.history.get(message.channel) ?? [];
    const at = messages.findIndex((m) => m.ts === message.ts);
    if (at >= 0) messages[at] = message;
    else messages.push(message);
    this.history.set(message.channel, messages);
    this.journal?.put(message);
  }

  remove(channelId: string, ts: string): boolean {
    const messages = this.history.get(channelId) ?? [];
    const at = messages.findIndex((m) => m.ts === ts);
    if (at < 0) return false;
    messages.splice(at, 1);
    this.journal?.remove(channelId, ts);
    return true;
  }

  /** Unique, increasing message timestamps in Slack's "seconds.micros" form, from the clock. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.clock() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  nextViewId(): string {
    return `V${(++this.counter).toString(36).toUpperCase().padStart(10, '0')}`;
  }

  /** A trigger_id as an interaction mints it: valid for 3 s of the clock, usable once. */
  issueTrigger(userId: string | undefined): string {
    // Slack's format: "<digits>.<digits>.<hex>".
    const id = `${this.clock()}${++this.counter}.${this.identity.teamId.replace(/\D/g, '') || '0'}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issuedAt: this.clock(), userId, used: false });
    return id;
  }

  /** Uses up a trigger_id, answering Slack's errors for an unknown, used or expired one; returns its user. */
  useTrigger(id: string): string | undefined {
    const trigger = this.triggers.get(id);
    if (!trigger) throw new SlackMethodError('invalid_trigger_id');
    if (trigger.used) throw new SlackMethodError('exchanged_trigger_id');
    if (this.clock() - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackMethodError('expired_trigger_id');
    trigger.used = true;
    return trigger.userId;
  }

  /** The direct-message channel of a member (`D` + the user id, like Slack's `D…` ids), opened on first use. */
  dmChannelOf(userId: string): StandinChannel {
    if (!this.users.has(userId)) throw new SlackMethodError('user_not_found');
    return this.channel(`D${userId}`);
  }

  private createChannel(ref: string): StandinChannel | undefined {
    // A member's DM exists whatever the channel list says (restored from the journal, or conversations.open).
    const dmOf = /^D([UW][A-Z0-9]{2,})$/.exec(ref)?.[1];
    if (dmOf !== undefined && this.users.has(dmOf)) {
      const dm = { id: ref, name: dmOf };
      this.channels.set(ref, dm);
      return dm;
    }
    if (this.channelList !== undefined || ref === '') return undefined;
    const looksLikeId = /^[CG][A-Z0-9]{2,}$/.test(ref);
    const channel = {
      id: looksLikeId ? ref : `C${String(++this.counter).padStart(9, '0')}`,
      name: looksLikeId ? ref.toLowerCase() : ref.replace(/^#/, ''),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Keeps timestamps after a restored one: a ts is unique in a channel, and the app finds messages by it. */
  private advanceTs(ts: string): void {
    const [seconds = '0', micros = '0'] = ts.split('.');
    this.lastTsMicros = Math.max(this.lastTsMicros, Number(seconds) * 1e6 + Number(micros));
  }
}
