import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  confirmText,
  formatSlackDate,
  type MrkdwnNode,
  parseMrkdwn,
  renderBlocks,
  renderText,
} from '../../../app/local/ui/blockkit';
import { MiniDocument, type MiniElement } from '../../helpers/mini-dom';

const UI = join(__dirname, '..', '..', '..', 'app', 'local', 'ui');
const names: Record<string, string> = { U0ALICE: 'alice', C0INFRAWATCH: 'infrawatch' };
const options = {
  userName: (id: string) => names[id],
  channelName: (id: string) => names[id],
  formatDate: (epoch: number, format: string) =>
    formatSlackDate(epoch, format, { now: Date.UTC(2024, 0, 2, 12), timeZone: 'UTC' }),
};

/** Tags the renderer may create; anything else (script, img, iframe, style…) would be an injection. */
const ALLOWED_TAGS = new Set([
  'div',
  'span',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'blockquote',
  'a',
  'time',
  'hr',
  'button',
  'select',
  'option',
  'label',
  'input',
  'textarea',
  'ul',
  'ol',
  'li',
]);
const ALLOWED_ATTRIBUTES = new Set([
  'class',
  'href',
  'target',
  'rel',
  'title',
  'type',
  'hidden',
  'disabled',
  'aria-label',
  'placeholder',
  'maxlength',
  'name',
  'inputmode',
  'data-block-id',
  'data-input',
]);

function expectSafe(root: MiniElement): void {
  for (const el of root.elements()) {
    expect(ALLOWED_TAGS).toContain(el.tagName);
    for (const [name, value] of el.attributes) {
      expect(ALLOWED_ATTRIBUTES).toContain(name);
      if (name === 'href') expect(value).toMatch(/^(https?:|mailto:)/);
    }
  }
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '&lt;b&gt;bold?&lt;/b&gt;',
];

describe('parseMrkdwn', () => {
  it('reads bold, italic, strike, code, code blocks and quotes', () => {
    expect(parseMrkdwn('*Who*\n_no MFA_ ~gone~ `sg-1`')).toEqual([
      { type: 'bold', children: [{ type: 'text', text: 'Who' }] },
      { type: 'text', text: '\n' },
      { type: 'italic', children: [{ type: 'text', text: 'no MFA' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'gone' }] },
      { type: 'text', text: ' ' },
      { type: 'code', children: [{ type: 'text', text: 'sg-1' }] },
    ]);
    expect(parseMrkdwn('before```\n{"a": *1*}\n```after')).toEqual([
      { type: 'text', text: 'before' },
      { type: 'pre', children: [{ type: 'text', text: '{"a": *1*}' }] },
      { type: 'text', text: 'after' },
    ]);
    expect(parseMrkdwn('> quoted *line*\nplain')).toEqual([
      {
        type: 'quote',
        children: [
          { type: 'text', text: 'quoted ' },
          { type: 'bold', children: [{ type: 'text', text: 'line' }] },
        ],
      },
      { type: 'text', text: 'plain' },
    ]);
  });

  it('leaves formatting characters inside words and AWS names alone, as Slack does', () => {
    for (const text of ['deploy_role_x', 's3:*', 'arn:aws:iam::1:policy/*', 'a * b * c', '2*3*4']) {
      expect(parseMrkdwn(text)).toEqual([{ type: 'text', text }]);
    }
    expect(parseMrkdwn('```unclosed')).toEqual([{ type: 'text', text: '```unclosed' }]);
  });

  it('reads links, mentions, broadcasts and dates, with entities decoded into text', () => {
    const nodes = parseMrkdwn(
      '<https://console.aws.amazon.com/?a=1&amp;b=2|console> <@U0ALICE> <@U0NOBODY|bob> <#C0INFRAWATCH> <!here> ' +
        '<!date^1704196800^{date_short_pretty} at {time}|2024-01-02 12:00 UTC> 1 &lt; 2 &amp;&amp; 3 &gt; 2',
      options,
    );
    expect(nodes).toEqual([
      {
        type: 'link',
        url: 'https://console.aws.amazon.com/?a=1&b=2',
        children: [{ type: 'text', text: 'console' }],
      },
      { type: 'text', text: ' ' },
      { type: 'mention', kind: 'user', text: '@alice' },
      { type: 'text', text: ' ' },
      { type: 'mention', kind: 'user', text: '@bob' },
      { type: 'text', text: ' ' },
      { type: 'mention', kind: 'channel', text: '#infrawatch' },
      { type: 'text', text: ' ' },
      { type: 'mention', kind: 'broadcast', text: '@here' },
      { type: 'text', text: ' ' },
      { type: 'date', text: 'today at 12:00 PM', fallback: '2024-01-02 12:00 UTC' },
      { type: 'text', text: ' 1 < 2 && 3 > 2' },
    ]);
  });

  it('never makes a link of a javascript:, data: or malformed URL', () => {
    const nodes = parseMrkdwn(
      '<javascript:alert(1)|click me> <data:text/html,<b>x</b>|x> <vbscript:x> <not a url>',
    );
    const flat = JSON.stringify(nodes);
    expect(flat).not.toContain('"type":"link"');
    expect(nodes.map(textOf).join('')).toBe('click me <data:text/html,<b>x</b>|x> <vbscript:x> <not a url>');
  });

  it('shows the fallback of a date whose format Slack does not know', () => {
    expect(parseMrkdwn('<!date^1704196800^{weird}|Jan 2>', options)).toEqual([
      { type: 'date', text: 'Jan 2', fallback: 'Jan 2' },
    ]);
  });
});

function textOf(node: MrkdwnNode): string {
  return 'children' in node ? node.children.map(textOf).join('') : node.text;
}

describe('formatSlackDate', () => {
  const at = Date.UTC(2024, 1, 18, 6, 39, 42) / 1000;
  const now = Date.UTC(2024, 1, 18, 9, 0);
  it('formats Slack date tokens in the given time zone', () => {
    expect(
      formatSlackDate(at, '{date_num} | {date} | {date_short} | {date_long} | {time} | {time_secs}', {
        now,
        timeZone: 'UTC',
      }),
    ).toBe(
      '2024-02-18 | February 18th, 2024 | Feb 18, 2024 | Sunday, February 18th, 2024 | 6:39 AM | 6:39:42 AM',
    );
    expect(formatSlackDate(at, '{date_pretty} {ago}', { now, timeZone: 'UTC' })).toBe('today 2 hours ago');
    expect(formatSlackDate(at, '{date_short_pretty}', { now: now + 86_400_000, timeZone: 'UTC' })).toBe(
      'yesterday',
    );
    expect(formatSlackDate(at, '{time}', { now, timeZone: 'Asia/Tokyo' })).toBe('3:39 PM');
    expect(formatSlackDate(Number.NaN, '{date}', { now })).toBeNull();
  });
});

describe('renderBlocks', () => {
  const doc = new MiniDocument();

  it('renders header, section text and fields, context, divider and actions', () => {
    const root = renderBlocks(
      doc,
      [
        {
          type: 'header',
          text: { type: 'plain_text', text: '🔴 Security groups: AuthorizeSecurityGroupIngress' },
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'alice opened *tcp/22*' },
          fields: [{ type: 'mrkdwn', text: '*Who*\nalice' }],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Watch: `sg`' }] },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'infrawatch_actions',
          elements: [
            {
              type: 'button',
              action_id: 'infrawatch_ack',
              text: { type: 'plain_text', text: 'Acknowledge' },
            },
          ],
        },
      ],
      { mrkdwn: options },
    ) as MiniElement;
    expect(root.toHtml()).toBe(
      '<div class="bk-blocks">' +
        '<div class="bk-header">🔴 Security groups: AuthorizeSecurityGroupIngress</div>' +
        '<div class="bk-section"><div class="bk-section-body"><div class="bk-text">alice opened <strong>tcp/22</strong></div>' +
        '<div class="bk-fields"><div class="bk-text bk-field"><strong>Who</strong>\nalice</div></div></div></div>' +
        '<div class="bk-context"><div class="bk-text bk-context-item">Watch: <code>sg</code></div></div>' +
        '<hr class="bk-divider"></hr>' +
        '<div class="bk-actions"><button class="bk-button" type="button" disabled="">Acknowledge</button></div>' +
        '</div>',
    );
  });

  it('reports clicks on buttons and overflow options by position and action id, after confirmation', () => {
    const clicks: unknown[] = [];
    let answer = false;
    const root = renderBlocks(
      doc,
      [
        { type: 'section', text: { type: 'mrkdwn', text: 'x' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'go',
              text: { type: 'plain_text', text: 'Go' },
              confirm: {
                title: { type: 'plain_text', text: 'Sure?' },
                text: { type: 'mrkdwn', text: 'This mutes *everything*' },
                confirm: { type: 'plain_text', text: 'Yes' },
                deny: { type: 'plain_text', text: 'No' },
              },
            },
            {
              type: 'overflow',
              action_id: 'more',
              options: [{ text: { type: 'plain_text', text: 'Mute 1h' }, value: 'mute_1h:abc' }],
            },
          ],
        },
      ],
      { onAction: (click) => clicks.push(click), confirm: () => answer },
    ) as MiniElement;
    const buttons = [...root.elements()].filter((el) => el.tagName === 'button');
    buttons[0]?.dispatch('click');
    expect(clicks).toEqual([]);
    answer = true;
    buttons[0]?.dispatch('click');
    buttons.find((b) => b.textContent === 'Mute 1h')?.dispatch('click');
    expect(clicks).toEqual([
      { path: { block: 1, element: 0 }, actionId: 'go', selected: [] },
      { path: { block: 1, element: 1 }, actionId: 'more', selected: ['mute_1h:abc'] },
    ]);
    expect(
      confirmText({
        title: { type: 'plain_text', text: 'Sure?' },
        text: { type: 'mrkdwn', text: 'mutes *all*' },
      }),
    ).toBe('Sure?\n\nmutes all');
  });

  it('renders input blocks of a modal as form controls, with their errors', () => {
    const root = renderBlocks(
      doc,
      [
        {
          type: 'input',
          block_id: 'infrawatch_note',
          label: { type: 'plain_text', text: 'Note' },
          element: {
            type: 'plain_text_input',
            action_id: 'note',
            multiline: true,
            max_length: 500,
            placeholder: { type: 'plain_text', text: 'What did you check?' },
          },
        },
      ],
      { inputs: true, errors: { infrawatch_note: 'Please fill out this field.' } },
    ) as MiniElement;
    expect(root.toHtml()).toBe(
      '<div class="bk-blocks"><div class="bk-input"><label class="bk-input-label">Note</label>' +
        '<div class="bk-input-control"><textarea placeholder="What did you check?" maxlength="500" data-block-id="infrawatch_note" data-input="text"></textarea></div>' +
        '<div class="bk-error">Please fill out this field.</div></div></div>',
    );
  });
});

describe('untrusted content', () => {
  const doc = new MiniDocument();

  it('is shown as text wherever it appears in a message or a modal, never as markup', () => {
    for (const hostile of HOSTILE) {
      const plain = { type: 'plain_text', text: hostile };
      const mrkdwn = {
        type: 'mrkdwn',
        text: `*${hostile}* _${hostile}_ \`${hostile}\` \`\`\`${hostile}\`\`\``,
      };
      const blocks = [
        { type: 'header', text: plain },
        { type: 'section', text: mrkdwn, fields: [mrkdwn, plain] },
        {
          type: 'context',
          elements: [mrkdwn, plain, { type: 'image', image_url: 'javascript:alert(1)', alt_text: hostile }],
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `<https://aws.amazon.com/"onmouseover="alert(1)|${hostile}>` },
          accessory: {
            type: 'button',
            action_id: 'a',
            text: plain,
            url: 'javascript:alert(1)',
            value: hostile,
          },
        },
        {
          type: 'actions',
          elements: [
            { type: 'overflow', action_id: 'o', options: [{ text: plain, value: hostile }] },
            {
              type: 'static_select',
              action_id: 's',
              placeholder: plain,
              options: [{ text: plain, value: hostile }],
            },
          ],
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `<!date^1^{date}^javascript:alert(1)|${hostile}>` },
        },
        {
          type: 'input',
          block_id: hostile,
          label: plain,
          hint: plain,
          element: { type: 'plain_text_input', action_id: 'i', placeholder: plain, initial_value: hostile },
        },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: hostile, style: { bold: true } },
                { type: 'link', url: 'javascript:alert(1)', text: hostile },
              ],
            },
          ],
        },
        { type: hostile },
      ];
      const root = renderBlocks(doc, blocks, {
        mrkdwn: options,
        inputs: true,
        errors: { [hostile]: hostile },
        onAction: () => undefined,
      }) as MiniElement;
      expectSafe(root);
      const html = root.toHtml();
      // Attribute names are checked by expectSafe; here, no tag but the renderer's own appears in the markup.
      expect(html).not.toMatch(/<(script|img|svg|iframe|style)\b/i);
      // Shown, not swallowed: the raw text is visible (entities in mrkdwn are decoded into characters).
      expect(root.textContent).toContain(hostile.replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
      expect(renderText(doc, { type: 'plain_text', text: hostile }).textContent).toBe(hostile);
    }
  });

  it('renders links only to http(s) and mailto URLs, with the target kept from the opener', () => {
    const root = renderText(
      doc,
      {
        type: 'mrkdwn',
        text: '<https://example.com|ok> <mailto:a@example.com|mail> <javascript:alert(1)|bad> <JaVaScRiPt:alert(1)>',
      },
      options,
    ) as MiniElement;
    const links = [...root.elements()].filter((el) => el.tagName === 'a');
    expect(links.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.textContent])).toEqual([
      ['https://example.com/', 'noopener noreferrer', 'ok'],
      ['mailto:a@example.com', 'noopener noreferrer', 'mail'],
    ]);
    expect(root.textContent).toBe('ok mail bad <JaVaScRiPt:alert(1)>');
  });

  it('is never handed to an HTML parser by the page scripts', () => {
    for (const file of ['blockkit.js', 'app.js']) {
      const source = readFileSync(join(UI, file), 'utf8');
      expect(source).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|DOMParser|createContextualFragment/,
      );
    }
    const html = readFileSync(join(UI, 'index.html'), 'utf8');
    // No inline script: the Content-Security-Policy (script-src 'self') would refuse it anyway.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/ui/blockkit.js" defer>',
      '<script src="/ui/app.js" defer>',
    ]);
  });
});
