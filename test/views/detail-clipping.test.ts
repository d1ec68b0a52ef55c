import { renderAlert } from '../../src/views';
import { assertValidMessage, mrkdwnTexts } from '../helpers/block-kit';
import { publicBucketPolicy } from './changes';

describe('a long detail value shown as a code block', () => {
  it('keeps as much as fits even when escaping grows it fivefold, and counts the rest exactly', () => {
    // Prepare: an XML-ish value where every character becomes an entity (`<&>` → 13 characters).
    const change = publicBucketPolicy();
    const value = `<Policy>\n${'<&>'.repeat(5000)}`;
    change.details = [{ label: 'Bucket policy', value }];

    // Act
    const message = renderAlert(change, { alertId: 'a1b2c3' });

    // Assess
    assertValidMessage(message);
    const text = mrkdwnTexts(message).find((t) => t.startsWith('*What changed*')) ?? '';
    const block = /```([^`]*)```/.exec(text)?.[1] ?? '';
    const shown = block.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const omitted = Number(/…([\d,]+) more characters not shown/.exec(text)?.[1]?.replace(/,/g, ''));
    expect(value.startsWith(shown)).toBe(true);
    // A code block of at most 2,600 characters holds about 2,600 / 13 × 3 of these characters, not one.
    expect(shown.length).toBeGreaterThan(500);
    expect(omitted).toBe(value.length - shown.length);
  });

  it('is not cut when it fits', () => {
    const change = publicBucketPolicy();
    const value = change.details[1]?.value ?? '';
    const text = mrkdwnTexts(renderAlert(change, { alertId: 'a1b2c3' })).join('\n');
    expect(text).toContain(`\`\`\`${value.replace(/&/g, '&amp;')}\`\`\``);
    expect(text).not.toContain('more characters not shown');
  });
});
