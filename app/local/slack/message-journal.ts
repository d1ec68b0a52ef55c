/**
 * The Slack stand-in's channel history on disk, so a second `npm start` on the same data folder still has the
 * messages the app's DynamoDB table points at (burst groups update them, the digest links to them, Acknowledge
 * rewrites them). Slack keeps messages forever; a stand-in that forgot them on restart made the app's
 * chat.update calls answer `message_not_found`.
 *
 * The file is a journal: one JSON line per change (a message as it now is, or a removal), appended before the
 * stand-in answers the call. A crash can only tear the last line, and a torn last line is a call that was never
 * answered, which the app finds missing and sends again: it is dropped on load. On open the journal is compacted
 * (one line per live message) into a temporary file that is flushed and renamed over the old one, so the file
 * never holds half of a rewrite.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { StandinMessage } from './types';

/** The journal file cannot be read back: names the file and line, and what to do. */
export class MessageJournalError extends Error {
  readonly code = 'MessageJournal';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

// Only what the stand-in relies on is checked; the rest of a message is Slack's JSON, kept as written.
const messageSchema = z.looseObject({
  type: z.literal('message'),
  channel: z.string().min(1),
  ts: z.string().regex(/^\d+\.\d{6}$/),
  text: z.string(),
});
const entrySchema = z.union([
  z.object({ put: messageSchema }),
  z.object({ remove: z.object({ channel: z.string().min(1), ts: z.string().min(1) }) }),
]);

/** Messages per channel ID, in ts order. */
export type ChannelHistory = Map<string, StandinMessage[]>;

/** Appends every change of the channel history to a file and reads it back on start. */
export interface MessageJournal {
  /** The history the file held when it was opened. */
  readonly history: ChannelHistory;
  /** A message posted or changed (chat.update, a new thread reply counted on its parent). */
  put(message: StandinMessage): void;
  /** A message deleted. */
  remove(channel: string, ts: string): void;
  /** Empties the file (the stand-in's `reset`). */
  clear(): void;
  close(): void;
}

function replay(path: string, text: string): ChannelHistory {
  const history: ChannelHistory = new Map();
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') ? lines.length - 1 : -1;
  lines.forEach((line, index) => {
    if (line === '') return;
    let entry: z.infer<typeof entrySchema>;
    try {
      entry = entrySchema.parse(JSON.parse(line));
    } catch (error) {
      if (index === torn) return;
      throw new MessageJournalError(
        `the local Slack's message file ${path} is damaged at line ${index + 1}: move it away or delete it to start with an empty channel`,
        { cause: error },
      );
    }
    if ('put' in entry) {
      const message = entry.put as unknown as StandinMessage;
      const messages = history.get(message.channel) ?? [];
      const at = messages.findIndex((m) => m.ts === message.ts);
      if (at >= 0) messages[at] = message;
      else messages.push(message);
      history.set(message.channel, messages);
    } else {
      const messages = history.get(entry.remove.channel) ?? [];
      const at = messages.findIndex((m) => m.ts === entry.remove.ts);
      if (at >= 0) messages.splice(at, 1);
    }
  });
  for (const messages of history.values()) messages.sort((a, b) => Number(a.ts) - Number(b.ts));
  return history;
}

/** Writes `lines` to `path` all or nothing: a temporary file, flushed, renamed over the old one. */
function rewrite(path: string, lines: readonly string[]): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, lines.join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

const putLine = (message: StandinMessage): string => `${JSON.stringify({ put: message })}\n`;

/** Opens (or creates) the journal at `path`, compacting what it holds. */
export function openMessageJournal(path: string): MessageJournal {
  mkdirSync(dirname(path), { recursive: true });
  const history = existsSync(path) ? replay(path, readFileSync(path, 'utf8')) : new Map();
  rewrite(path, [...history.values()].flat().map(putLine));
  let fd: number | undefined = openSync(path, 'a');
  const append = (line: string): void => {
    if (fd === undefined) throw new MessageJournalError(`the message file ${path} is closed`);
    writeSync(fd, line);
  };
  return {
    history,
    put: (message) => append(putLine(message)),
    remove: (channel, ts) => append(`${JSON.stringify({ remove: { channel, ts } })}\n`),
    clear() {
      if (fd !== undefined) closeSync(fd);
      rewrite(path, []);
      fd = openSync(path, 'a');
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
