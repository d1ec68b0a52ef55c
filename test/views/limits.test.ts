import type { types } from '@slack/bolt';
import {
  andMore,
  joinWithinLimit,
  limitBlocks,
  mrkdwnText,
  packLines,
  plainText,
  SLACK_LIMITS,
} from '../../src/views/limits';
import { assertValidBlocks } from '../helpers/block-kit';

describe('plainText and mrkdwnText', () => {
  it('cut to the limit with an indication, on one line for plain text', () => {
    const header = plainText(`a\nb ${'x'.repeat(500)}`, SLACK_LIMITS.headerText);
    expect(header.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(header.text.startsWith('a b ')).toBe(true);
    expect(header.text.endsWith('…')).toBe(true);
  });

  it('never produce an empty text, which Slack refuses', () => {
    expect(plainText('', 10).text).toBe('-');
    expect(mrkdwnText(' ', 10).text).toBe('-');
  });

  it('mark mrkdwn verbatim so Slack does not auto-link untrusted text', () => {
    expect(mrkdwnText('@here https://evil.example', 100)).toEqual({
      type: 'mrkdwn',
      text: '@here https://evil.example',
      verbatim: true,
    });
  });
});

describe('joinWithinLimit', () => {
  it('joins everything that fits', () => {
    expect(joinWithinLimit(['a', 'b', 'c'], 100)).toEqual({ text: 'a\nb\nc', shown: 3 });
  });

  it('counts what does not fit in a last line, within the limit', () => {
    // Prepare
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`);

    // Act
    const { text, shown } = joinWithinLimit(lines, 200, '\n', 'lines');

    // Assess
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.endsWith(`\n${andMore(500 - shown, 'lines')}`)).toBe(true);
    expect(shown).toBeGreaterThan(10);
  });

  it('cuts a single line longer than the limit', () => {
    const { text, shown } = joinWithinLimit(['x'.repeat(5000), 'y'], 100);
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text).toContain('…and 1 more');
    expect(shown).toBe(1);
  });
});

describe('packLines', () => {
  it('fills sections in order and counts the rest in the last one', () => {
    // Prepare: 200 lines of 100 characters is about 20,000 characters, far more than 3 sections hold.
    const lines = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(96)}`);

    // Act
    const { sections, shown } = packLines(lines, { maxSections: 3, noun: 'changes' });

    // Assess
    expect(sections).toHaveLength(3);
    for (const section of sections) expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sections[2]).toContain(`…and ${200 - shown} more changes`);
    expect(
      sections
        .join('\n')
        .split('\n')
        .filter((line) => !line.startsWith('…')),
    ).toEqual(lines.slice(0, shown));
  });

  it('uses no more sections than needed', () => {
    expect(packLines(['a', 'b'], { maxSections: 5 })).toEqual({ sections: ['a\nb'], shown: 2 });
    expect(packLines(['a'], { maxSections: 0 })).toEqual({ sections: [], shown: 0 });
  });
});

describe('limitBlocks', () => {
  it('keeps at most 50 blocks, says how many were left out and keeps the actions last', () => {
    // Prepare
    const sections: types.KnownBlock[] = Array.from({ length: 80 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `s${i}` },
    }));
    const actions: types.ActionsBlock = {
      type: 'actions',
      elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'A' } }],
    };

    // Act
    const limited = limitBlocks([...sections, actions]);

    // Assess
    expect(limited).toHaveLength(SLACK_LIMITS.messageBlocks);
    expect(limited.at(-1)).toBe(actions);
    expect(JSON.stringify(limited.at(-2))).toContain('…and 32 more blocks');
    assertValidBlocks(limited);
  });

  it('returns short lists unchanged', () => {
    const blocks: types.KnownBlock[] = [{ type: 'divider' }];
    expect(limitBlocks(blocks)).toEqual(blocks);
  });
});
