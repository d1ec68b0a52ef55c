import { alertIdFor, burstKey, DEFAULT_BURST_POLICY, planBursts } from '../../src/changes/burst';
import { makeChange } from '../helpers/changes';

const at = (seconds: number) => new Date(Date.parse('2026-11-27T10:00:00Z') + seconds * 1000).toISOString();

describe('planBursts', () => {
  const policy = { windowMs: 60_000, maxSpanMs: 10 * 60_000, maxChanges: 100 };

  it('groups changes less than a window apart, sliding, into one alert named after the first change', () => {
    const changes = [0, 50, 100, 150].map((s) => makeChange({ time: at(s) }));
    const { segments, state } = planBursts(undefined, changes, 'C1', 'k', policy);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.alertId).toBe(alertIdFor('C1', 'k', changes[0] ?? makeChange()));
    expect(state).toMatchObject({ firstAt: at(0), lastAt: at(150), count: 4 });
  });

  it('starts a new alert after a quiet gap longer than the window', () => {
    const changes = [0, 30, 200].map((s) => makeChange({ time: at(s) }));
    const { segments } = planBursts(undefined, changes, 'C1', 'k', policy);
    expect(segments.map((s) => s.changes.length)).toEqual([2, 1]);
  });

  it('caps a burst by span and by count', () => {
    const continuous = Array.from({ length: 30 }, (_, i) => makeChange({ time: at(i * 30) }));
    expect(
      planBursts(undefined, continuous, 'C1', 'k', policy).segments.map((s) => s.changes.length),
    ).toEqual([21, 9]);
    const many = Array.from({ length: 250 }, (_, i) => makeChange({ time: at(i % 10) }));
    expect(planBursts(undefined, many, 'C1', 'k', policy).segments.map((s) => s.changes.length)).toEqual([
      100, 100, 50,
    ]);
  });

  it('continues the stored burst when the first change falls in its window, in any arrival order', () => {
    const current = { alertId: 'A1', firstAt: at(0), lastAt: at(40), count: 3 };
    const changes = [makeChange({ time: at(90) }), makeChange({ time: at(-30) })];
    const { segments, state } = planBursts(current, changes, 'C1', 'k', policy);
    expect(segments).toEqual([{ alertId: 'A1', changes: [changes[1], changes[0]] }]);
    expect(state).toEqual({ alertId: 'A1', firstAt: at(-30), lastAt: at(90), count: 5 });
  });

  it('is deterministic: the same input plans the same alerts (duplicates land together)', () => {
    const changes = [10, 0, 20].map((s) => makeChange({ time: at(s) }));
    const a = planBursts(undefined, changes, 'C1', 'k', DEFAULT_BURST_POLICY);
    const b = planBursts(undefined, [...changes].reverse(), 'C1', 'k', DEFAULT_BURST_POLICY);
    expect(a).toEqual(b);
  });

  describe('window boundaries (a change exactly one window away still joins; a millisecond more does not)', () => {
    const ms = (milliseconds: number) => new Date(Date.parse(at(0)) + milliseconds).toISOString();
    const stored = { alertId: 'A1', firstAt: at(0), lastAt: at(0), count: 1 };
    const joined = (time: string, current = stored, burstPolicy = policy) =>
      planBursts(current, [makeChange({ time })], 'C1', 'k', burstPolicy).segments[0]?.alertId === 'A1';

    it('after the burst: exactly windowMs after its latest change joins, windowMs + 1 ms starts a new alert', () => {
      expect(joined(ms(policy.windowMs))).toBe(true);
      expect(joined(ms(policy.windowMs + 1))).toBe(false);
    });

    it('before the burst (a late delivery): exactly windowMs before its first change joins, one ms more does not', () => {
      expect(joined(ms(-policy.windowMs))).toBe(true);
      expect(joined(ms(-policy.windowMs - 1))).toBe(false);
    });

    it('span: a change that makes the burst exactly maxSpanMs long joins, one ms longer starts a new alert', () => {
      const long = { ...stored, lastAt: ms(policy.maxSpanMs - 30_000) };
      expect(joined(ms(policy.maxSpanMs), long)).toBe(true);
      expect(joined(ms(policy.maxSpanMs + 1), long)).toBe(false);
    });

    it('in one batch, changes exactly a window apart form one burst; a millisecond more splits it', () => {
      const plan = (gapMs: number) =>
        planBursts(
          undefined,
          [makeChange({ time: ms(0) }), makeChange({ time: ms(gapMs) })],
          'C1',
          'k',
          policy,
        ).segments.map((s) => s.changes.length);
      expect(plan(policy.windowMs)).toEqual([2]);
      expect(plan(policy.windowMs + 1)).toEqual([1, 1]);
    });

    it('the default policy groups changes up to 60 s apart (documented as BURST_WINDOW_SECONDS=60)', () => {
      expect(DEFAULT_BURST_POLICY.windowMs).toBe(60_000);
      expect(joined(ms(60_000), stored, DEFAULT_BURST_POLICY)).toBe(true);
      expect(joined(ms(60_001), stored, DEFAULT_BURST_POLICY)).toBe(false);
      expect(joined(ms(-60_001), stored, DEFAULT_BURST_POLICY)).toBe(false);
    });
  });

  it('keys bursts by watch, account and actor', () => {
    const alice = makeChange();
    const bob = makeChange({
      actor: { ...alice.actor, arn: 'arn:aws:iam::123456789012:user/bob', display: 'bob' },
    });
    expect(burstKey(alice)).not.toBe(burstKey(bob));
    expect(burstKey(alice)).not.toBe(burstKey({ ...alice, watch: 'iam' }));
    expect(burstKey(alice)).not.toBe(burstKey({ ...alice, account: '999999999999' }));
  });
});
