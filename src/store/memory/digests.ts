import type { DigestRunRepository } from '../ports/digests';

interface DigestRun {
  state: 'posting' | 'posted';
  leaseUntil: string;
  postAttemptAt?: string;
  listed?: { since: string; until: string };
  messageTs?: string;
  closedAt?: string;
}

export function memoryDigests(): DigestRunRepository {
  const digestRuns = new Map<string, DigestRun>();
  return {
    async claim(channel, runKey, nowIso, leaseUntilIso) {
      const key = `${channel}#${runKey}`;
      const run = digestRuns.get(key);
      if (run && (run.state === 'posted' || run.leaseUntil >= nowIso)) return undefined;
      digestRuns.set(key, { ...run, state: 'posting', leaseUntil: leaseUntilIso });
      return run?.postAttemptAt ? { postAttemptAt: run.postAttemptAt } : {};
    },
    async markPostAttempt(channel, runKey, atIso, listed) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (!run) return;
      run.postAttemptAt ??= atIso;
      if (listed && !run.listed) run.listed = { ...listed };
    },
    async recordMessage(channel, runKey, ts) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run) run.messageTs = ts;
    },
    async withButton(channel) {
      return [...digestRuns.entries()].flatMap(([key, run]) =>
        key.startsWith(`${channel}#`) && run.listed && run.messageTs && !run.closedAt
          ? [{ runKey: key.slice(channel.length + 1), ts: run.messageTs, ...run.listed }]
          : [],
      );
    },
    async close(channel, runKey, atIso) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run) run.closedAt ??= atIso;
    },
    async complete(channel, runKey) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      digestRuns.set(`${channel}#${runKey}`, { ...run, state: 'posted', leaseUntil: '' });
    },
    async release(channel, runKey) {
      const run = digestRuns.get(`${channel}#${runKey}`);
      if (run?.state === 'posting') run.leaseUntil = '1970-01-01T00:00:00.000Z';
    },
  };
}
