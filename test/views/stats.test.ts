import type { ReviewStats, StatsFigures } from '../../src/model/review-stats';
import { renderDigest, renderStats, statsFiguresLine } from '../../src/views';
import { assertValidMessage } from '../helpers/block-kit';
import { allText, assertOnlyOwnMarkupInReply, HOSTILE, sectionTexts } from './view-assertions';

const MIN = 60_000;
const NOW = '2026-11-27T12:00:00.000Z';

const figures = (overrides: Partial<StatsFigures> = {}): StatsFigures => ({
  alerts: 5,
  changes: 12,
  acknowledgedAlerts: 4,
  acknowledgedChanges: 10,
  medianAckMs: 4 * MIN,
  p90AckMs: 75 * MIN,
  oldestOpenAt: '2026-11-25T12:00:00.000Z',
  escalations: 1,
  notMe: 0,
  ...overrides,
});

function stats(rows: ReviewStats['rows'], total = figures()): ReviewStats {
  return { channel: 'C1', since: '2026-11-20T12:00:00.000Z', now: NOW, days: 7, rows, total };
}

describe('statsFiguresLine', () => {
  it('says every figure in words', () => {
    expect(statsFiguresLine(figures(), NOW)).toBe(
      '12 changes in 5 alerts · 4 acknowledged (10 changes) · median 4 min · p90 1 h 15 min · oldest open 2 d · 1 escalation · 0 "not me"',
    );
  });

  it('leaves out times nobody measured', () => {
    expect(
      statsFiguresLine(
        figures({
          acknowledgedAlerts: 0,
          acknowledgedChanges: 0,
          medianAckMs: null,
          p90AckMs: null,
          oldestOpenAt: null,
        }),
        NOW,
      ),
    ).toBe('12 changes in 5 alerts · 0 acknowledged (0 changes) · 1 escalation · 0 "not me"');
  });
});

describe('renderStats', () => {
  it('shows one section per watch, a line per severity, and the totals', () => {
    // Prepare
    const message = renderStats(
      stats([
        { watch: 'iam', severity: 'critical', ...figures() },
        { watch: 'ec2', severity: 'warning', ...figures({ alerts: 1 }) },
        { watch: 'iam', severity: 'info', ...figures({ escalations: 0 }) },
      ]),
      new Map([
        ['iam', 'IAM'],
        ['ec2', 'EC2 instances'],
      ]),
    );

    // Assess
    assertValidMessage(message);
    const sections = sectionTexts(message.blocks);
    expect(sections[0]).toMatch(/^\*IAM\*\n🔴 critical: 12 changes in 5 alerts[^\n]*\n🔵 info: /u);
    expect(sections[1]).toMatch(/^\*EC2 instances\*\n🟠 warning: 12 changes in 1 alert /u);
    expect(sections[2]).toMatch(/^\*All watches\*\n12 changes in 5 alerts/);
    expect(message.text).toMatch(/^InfraWatch review of the last 7 days: 12 changes/);
  });

  it('escapes watch titles (custom watches are user text)', () => {
    const message = renderStats(
      stats([{ watch: 'mine', severity: 'info', ...figures() }]),
      new Map([['mine', HOSTILE.all]]),
    );
    assertOnlyOwnMarkupInReply(message);
    expect(allText(message)).not.toContain('<!channel>');
  });

  it('says so when the channel had no alerts', () => {
    const message = renderStats(stats([], figures({ alerts: 0, changes: 0 })), new Map());
    expect(sectionTexts(message.blocks)).toEqual(['No alerts in this channel in the last 7 days.']);
  });

  it('stays within 50 blocks however many watches', () => {
    const rows = Array.from({ length: 80 }, (_, i) => ({
      watch: `w${i}`,
      severity: 'info' as const,
      ...figures(),
    }));
    const message = renderStats(stats(rows), new Map());
    assertValidMessage(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    // 50 − header, context and totals = 47 blocks: 46 watches and one line for the other 34.
    expect(allText(message)).toContain('…and 34 more watches');
  });
});

describe('the digest footer', () => {
  it('carries the 7-day review line and the pipeline health of the last 24 hours', () => {
    const footer = { week: figures(), health: { recorded: 120, recovered: 1, rejected: 0 } };
    for (const message of [
      renderDigest({
        channel: 'C0123456789',
        now: NOW,
        since: '2026-11-20T12:00:00.000Z',
        alerts: [],
        mutedCount: 0,
        allClearRequested: true,
        footer,
      }),
      renderDigest({
        channel: 'C0123456789',
        now: NOW,
        since: '2026-11-20T12:00:00.000Z',
        alerts: [
          {
            id: 'a',
            watch: 'iam',
            watchTitle: 'IAM',
            severity: 'info',
            createdAt: NOW,
            headline: 'x',
            changeCount: 1,
          },
        ],
        mutedCount: 0,
        footer,
      }),
    ]) {
      if (message === null) throw new Error('expected a digest');
      expect(allText(message)).toContain('📊 Last 7 days: 12 changes in 5 alerts · 4 acknowledged');
      expect(allText(message)).toContain(
        '🩺 Last 24 h: 120 changes recorded · 1 recovered from CloudTrail · 0 inputs rejected',
      );
    }
  });
});
