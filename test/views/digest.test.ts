import type { types } from '@slack/bolt';
import {
  AlertRenderError,
  type DigestAlert,
  type DigestInput,
  digestAckAllValue,
  parseDigestAckAllValue,
  renderAlertContent,
  renderDigest,
  renderDigestClosed,
  SLACK_LIMITS,
  VIEW_IDS,
} from '../../src/views';
import { assertValidMessage } from '../helpers/block-kit';
import { burstOf, publicBucketPolicy, sshOpenToWorld } from './changes';
import { allText, assertOnlyOwnMarkupInReply, HOSTILE, sectionTexts } from './view-assertions';

const CHANNEL = 'C0123456789';
const NOW = '2026-11-27T12:00:00.000Z';
const SINCE = '2026-11-20T12:00:00.000Z';
const PERMALINK = 'https://acme.slack.com/archives/C0123456789/p1795600000000100';

/** Alerts as the digest Lambda builds them: headlines are the alert messages' fallback texts. */
function alerts(): DigestAlert[] {
  const ssh = renderAlertContent(burstOf(sshOpenToWorld(), 1)).text;
  const burst = renderAlertContent(burstOf(sshOpenToWorld(), 12)).text;
  const bucket = renderAlertContent(burstOf(publicBucketPolicy(), 1)).text;
  return [
    {
      id: 'sg-old-warning',
      watch: 'security-groups',
      watchTitle: 'Security groups',
      severity: 'warning',
      createdAt: '2026-11-21T08:00:00.000Z',
      headline: 'Warning: alice changed sg-0abc',
      changeCount: 1,
    },
    {
      id: 's3-critical',
      watch: 's3',
      watchTitle: 'S3 bucket access',
      severity: 'critical',
      createdAt: '2026-11-26T09:30:00.000Z',
      headline: bucket,
      changeCount: 1,
      permalink: PERMALINK,
    },
    {
      id: 'sg-new-critical',
      watch: 'security-groups',
      watchTitle: 'Security groups',
      severity: 'critical',
      createdAt: '2026-11-27T11:15:00.000Z',
      headline: burst,
      changeCount: 12,
      investigation: { userId: 'U0BOB', userName: 'bob', at: '2026-11-27T11:20:00.000Z' },
    },
    {
      id: 'sg-old-critical',
      watch: 'security-groups',
      watchTitle: 'Security groups',
      severity: 'critical',
      createdAt: '2026-11-24T07:59:00.000Z',
      headline: ssh,
      changeCount: 1,
      permalink: PERMALINK,
    },
    {
      id: 'iam-info',
      watch: 'iam',
      watchTitle: 'IAM',
      severity: 'info',
      createdAt: '2026-11-22T12:00:00.000Z',
      headline: 'Info: alice created user bob',
      changeCount: 3,
    },
  ];
}

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return { channel: CHANNEL, now: NOW, since: SINCE, alerts: alerts(), mutedCount: 12, ...overrides };
}

function render(overrides: Partial<DigestInput> = {}) {
  const message = renderDigest(input(overrides));
  if (message === null) throw new Error('expected a digest');
  return message;
}

function button(blocks: readonly types.KnownBlock[]): types.Button | undefined {
  const actions = blocks.find((block): block is types.ActionsBlock => block.type === 'actions');
  return actions?.elements[0] as types.Button | undefined;
}

describe('renderDigest', () => {
  it('renders the open alerts of a channel', () => {
    const message = render();
    assertValidMessage(message);
    assertOnlyOwnMarkupInReply(message);
    expect(message).toMatchSnapshot();
  });

  it('counts the changes nobody acknowledged in the header and the fallback text', () => {
    // 1 + 1 + 12 + 1 + 3 changes in 5 alerts.
    const message = render();
    expect(message.text).toBe('InfraWatch digest: 18 changes nobody acknowledged');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'InfraWatch digest: 18 changes nobody acknowledged' },
    });
    expect(allText(message)).toContain(
      '5 open alerts since <!date^1795176000^{date_short_pretty} at {time}|2026-11-20 12:00 UTC>',
    );
    expect(render({ alerts: alerts().slice(0, 1) }).text).toBe(
      'InfraWatch digest: 1 change nobody acknowledged',
    );
  });

  it('groups by watch, most severe group first; within a watch most severe first, then oldest first, with ages', () => {
    // Act
    const sections = sectionTexts(render().blocks);

    // Assess
    expect(sections).toEqual([
      [
        '*Security groups* · 3 open alerts',
        `• 🔴 <${PERMALINK}|role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1> · 3 d 4 h ago`,
        // A headline is cut to 200 characters.
        '• 🔴 role/Operator (session ryan@example.com) made 12 changes (security-groups) in us-east-1 within a minute. Most severe: role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0… · 12 changes · 45 min ago · 🔎 <@U0BOB> is investigating',
        '• 🟠 alice changed sg-0abc · 6 d 4 h ago',
      ].join('\n'),
      [
        '*S3 bucket access* · 1 open alert',
        `• 🔴 <${PERMALINK}|role/example-role (session example-user) made bucket example-bucket public with a bucket policy> · 1 d 2 h ago`,
      ].join('\n'),
      ['*IAM* · 1 open alert', '• 🔵 alice created user bob · 3 changes · 5 d ago'].join('\n'),
    ]);
  });

  it('orders groups with equally severe alerts by their oldest alert, and never by the input order', () => {
    const reversed = sectionTexts(render({ alerts: alerts().reverse() }).blocks);
    expect(reversed).toEqual(sectionTexts(render().blocks));
  });

  it('says how many changes were muted, and nothing when none were', () => {
    expect(allText(render())).toContain('🔇 12 changes were muted in this period');
    expect(allText(render({ mutedCount: 1 }))).toContain('🔇 1 change was muted in this period');
    expect(allText(render({ mutedCount: 0 }))).not.toContain('muted');
  });

  describe('Acknowledge all listed', () => {
    it('is one button with the digest window as its value and a confirmation', () => {
      const message = render();
      const actions = message.blocks.at(-1);
      expect(actions).toMatchObject({ type: 'actions', block_id: 'infrawatch_digest_actions' });
      expect(button(message.blocks)).toEqual({
        type: 'button',
        action_id: 'infrawatch_digest_ack_all',
        text: { type: 'plain_text', text: 'Acknowledge all listed' },
        value: `{"channel":"${CHANNEL}","since":"${SINCE}","until":"${NOW}","count":5}`,
        confirm: {
          title: { type: 'plain_text', text: 'Acknowledge 5 alerts?' },
          text: { type: 'plain_text', text: 'Everyone will see they were acknowledged by you.' },
          confirm: { type: 'plain_text', text: 'Acknowledge all' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      });
      expect(button(message.blocks)?.action_id).toBe(VIEW_IDS.digestAckAll);
    });

    it('carries a value the handler reads back', () => {
      const value = button(render().blocks)?.value ?? '';
      expect(parseDigestAckAllValue(value)).toEqual({ channel: CHANNEL, since: SINCE, until: NOW, count: 5 });
    });

    it('says "it" for one alert', () => {
      const confirm = button(render({ alerts: alerts().slice(0, 1) }).blocks)?.confirm;
      expect(confirm?.title?.text).toBe('Acknowledge 1 alert?');
      expect(confirm?.text.text).toBe('Everyone will see it was acknowledged by you.');
    });

    it('refuses a channel or time that would make a value the handler cannot read', () => {
      for (const bad of [
        { channel: 'general' },
        { channel: `C1${'A'.repeat(3000)}` },
        { now: 'now' },
        { since: '' },
      ]) {
        expect(() => renderDigest(input(bad))).toThrow(AlertRenderError);
        expect(() => renderDigest(input({ ...bad, alerts: [] }))).toThrow(
          expect.objectContaining({ code: 'INVALID_DIGEST_WINDOW' }),
        );
      }
    });
  });

  describe('parseDigestAckAllValue', () => {
    it('reads back only complete, well-formed values', () => {
      const good = { channel: CHANNEL, since: SINCE, until: NOW, count: 5 };
      expect(parseDigestAckAllValue(digestAckAllValue(good))).toEqual(good);
      for (const bad of [
        '',
        '[]',
        JSON.stringify({ ...good, channel: '<!channel>' }),
        JSON.stringify({ ...good, since: 'yesterday' }),
        JSON.stringify({ ...good, until: '2026-11-27T12:00:00+02:00' }),
        JSON.stringify({ ...good, count: -1 }),
        JSON.stringify({ ...good, count: '5' }),
        JSON.stringify({ channel: CHANNEL, since: SINCE, count: 5 }),
      ]) {
        expect(parseDigestAckAllValue(bad)).toBeNull();
      }
    });
  });

  describe('with nothing open', () => {
    it('is not posted', () => {
      expect(renderDigest(input({ alerts: [] }))).toBeNull();
      expect(renderDigest(input({ alerts: [], allClearRequested: false }))).toBeNull();
    });

    it('gives the all-clear when someone asked for the digest', () => {
      const message = renderDigest(input({ alerts: [], allClearRequested: true }));
      expect(message).toEqual({
        text: '✅ Nothing open: every change since 2026-11-20 12:00 UTC was acknowledged.',
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: '✅ Nothing open: every change since <!date^1795176000^{date_short_pretty} at {time}|2026-11-20 12:00 UTC> was acknowledged.',
              verbatim: true,
            },
          },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: '🔇 12 changes were muted in this period', verbatim: true }],
          },
        ],
      });
      if (message !== null) assertValidMessage(message);
    });
  });

  it('escapes hostile headlines, titles and names, stored escaped or not', () => {
    // Prepare
    const hostile = alerts().map((alert, index) => ({
      ...alert,
      watchTitle: HOSTILE.all,
      // Half stored escaped (as the alert message's fallback text is), half raw.
      headline: index % 2 === 0 ? HOSTILE.all : HOSTILE.all.replace(/&/g, '&amp;').replace(/</g, '&lt;'),
      permalink: index === 0 ? 'javascript:alert(1)' : PERMALINK,
      investigation: { userId: 'U1>|<!channel', userName: HOSTILE.broadcast, at: NOW },
    }));

    // Act
    const message = render({ alerts: hostile });

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkupInReply(message);
    const text = allText(message);
    expect(text).not.toContain('&amp;amp;');
    expect(text).not.toContain('&amp;lt;');
    expect(text).toContain(
      '*x &lt;!channel&gt; &lt;https://evil.example|aws.amazon.com&gt; ∗bold∗ @\u2060here &amp; ˋˋˋ*',
    );
    expect(text).toContain(
      `<${PERMALINK}|x &lt;!channel&gt; &lt;https://evil.example∣aws.amazon.com&gt; *bold* @\u2060here &amp; ˋˋˋ>`,
    );
    expect(text).toContain('🔎 &lt;!channel&gt; look is investigating');
    expect(text).not.toContain('javascript:');
  });

  it('lists what fits in 50 blocks and counts the rest', () => {
    // Prepare: 3,000 alerts on 300 watches, with headlines far longer than a line.
    const many: DigestAlert[] = Array.from({ length: 3000 }, (_, index) => ({
      id: `alert-${index}`,
      watch: `watch-${index % 300}`,
      watchTitle: `Watch ${index % 300} ${'t'.repeat(500)}`,
      severity: index % 7 === 0 ? 'critical' : 'info',
      createdAt: new Date(Date.parse(SINCE) + index * 60_000).toISOString(),
      headline: `${index} ${'<&>'.repeat(5000)}`,
      changeCount: 2,
      permalink: PERMALINK,
    }));

    // Act
    const message = render({ alerts: many });

    // Assess
    assertValidMessage(message);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
    const listed = sectionTexts(message.blocks)
      .join('\n')
      .split('\n')
      .filter((line) => line.startsWith('• ')).length;
    const more = /^…and ([\d,]+) more open alerts$/.exec(
      allText(message)
        .split('\n')
        .find((l) => l.startsWith('…and')) ?? '',
    );
    expect(listed).toBeGreaterThan(0);
    expect(Number(more?.[1]?.replace(/,/g, ''))).toBe(3000 - listed);
    // The button still covers (and the confirmation counts) every open alert, listed or not.
    expect(button(message.blocks)?.confirm?.title?.text).toBe('Acknowledge 3,000 alerts?');
    expect(message.blocks.at(-1)?.type).toBe('actions');
  });

  it('continues a long group in a further section under the same title', () => {
    const many: DigestAlert[] = Array.from({ length: 40 }, (_, index) => ({
      id: `alert-${index}`,
      watch: 'iam',
      watchTitle: 'IAM',
      severity: 'warning',
      createdAt: new Date(Date.parse(SINCE) + index * 60_000).toISOString(),
      headline: `${index} ${'x'.repeat(180)}`,
      changeCount: 1,
    }));
    const sections = sectionTexts(render({ alerts: many }).blocks);
    expect(sections.length).toBeGreaterThan(1);
    expect(sections[0]?.startsWith('*IAM* · 40 open alerts\n')).toBe(true);
    expect(sections.slice(1).every((text) => text.startsWith('*IAM* (continued)\n'))).toBe(true);
    expect(
      sections
        .join('\n')
        .split('\n')
        .filter((line) => line.startsWith('• ')),
    ).toHaveLength(40);
  });
});

describe('renderDigestClosed', () => {
  const window = { since: '2026-11-20T09:00:00.000Z', until: '2026-11-27T09:00:00.000Z' };

  it('says who acknowledged the last open alerts, with no button left', () => {
    const message = renderDigestClosed({
      ...window,
      closedBy: { userId: 'U0BOB', userName: 'bob', count: 2 },
    });

    assertValidMessage(message);
    expect(JSON.stringify(message.blocks)).not.toContain(VIEW_IDS.digestAckAll);
    expect(allText(message)).toContain('<@U0BOB> acknowledged 2 alerts, the last open ones');
    // Notifications may not render `<!date>`: the fallback text spells the window out.
    expect(message.text).toContain('2026-11-20');
    expect(message.text).not.toContain('<!date');
  });

  it('says everything had been acknowledged already, or has been since, without naming anyone', () => {
    const already = renderDigestClosed({
      ...window,
      closedBy: { userId: 'U0BOB', userName: 'bob', count: 0 },
    });
    expect(already.text).toMatch(/had been acknowledged already/);
    expect(already.text).not.toContain('U0BOB');
    expect(renderDigestClosed(window).text).toMatch(/has been acknowledged/);
  });

  it('escapes a user name that is not a Slack user id', () => {
    const message = renderDigestClosed({
      ...window,
      closedBy: { userId: 'not-an-id', userName: HOSTILE.all, count: 1 },
    });
    assertOnlyOwnMarkupInReply(message);
    expect(allText(message)).toContain('acknowledged 1 alert,');
  });
});
