import {
  codeBlock,
  date,
  ELLIPSIS,
  escapeEmphasized,
  escapeMrkdwn,
  formatUtc,
  inlineCode,
  link,
  mention,
  parseIsoTime,
  sanitizeText,
  truncate,
  truncateMrkdwn,
} from '../../src/views/mrkdwn';

describe('escapeMrkdwn', () => {
  it('turns &, < and > into entities so no mention, broadcast or link can form', () => {
    // Act
    const escaped = escapeMrkdwn('<!channel> <@U123> <#C1> <https://evil.example|aws.amazon.com> a & b');

    // Assess
    expect(escaped).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;#C1&gt; &lt;https://evil.example|aws.amazon.com&gt; a &amp; b',
    );
  });

  it('escapes an existing entity again, so it is shown, not decoded', () => {
    expect(escapeMrkdwn('&lt;!here&gt;')).toBe('&amp;lt;!here&amp;gt;');
  });

  it('breaks plain-text broadcasts with a word joiner', () => {
    expect(escapeMrkdwn('ping @channel @Here @everyone now')).toBe(
      'ping @\u2060channel @\u2060Here @\u2060everyone now',
    );
    expect(escapeMrkdwn('bob@example.com @channels')).toBe('bob@example.com @channels');
  });

  it('keeps formatting characters: names and policies read as AWS recorded them', () => {
    expect(escapeMrkdwn('deploy_role s3:* ~tmp `x`')).toBe('deploy_role s3:* ~tmp `x`');
  });

  it('normalises line breaks and collapses them when one line is expected', () => {
    expect(escapeMrkdwn('a\r\nb\rc\u2028d')).toBe('a\nb\nc\nd');
    expect(escapeMrkdwn('a\r\nb\nc\u2029d', { singleLine: true })).toBe('a b c d');
  });

  it('removes control characters and makes bidirectional overrides visible', () => {
    expect(escapeMrkdwn('a\u0000b\u001bc\u007fd\te')).toBe('abcd\te');
    expect(escapeMrkdwn('evil\u202Emoc.com')).toBe('evil⟨U+202E⟩moc.com');
  });

  // Found by the hostile-input fuzzer (test/reliability/hostile-input.reliability.ts).
  it('shows a lone surrogate (JSON allows "\\ud800") instead of passing it to Slack, and keeps pairs', () => {
    expect(escapeMrkdwn('a\uD800b\uDC00c')).toBe('a⟨U+D800⟩b⟨U+DC00⟩c');
    expect(sanitizeText('x\uDBFF')).toBe('x⟨U+DBFF⟩');
    expect(escapeMrkdwn('😀 \uD83D\uDE00')).toBe('😀 😀');
  });

  it('breaks a broadcast followed by a formatting character, which escapeEmphasized turns into a lookalike', () => {
    expect(escapeEmphasized('@channel_')).toBe('@\u2060channelˍ');
    expect(escapeMrkdwn('@here* @everyone~')).toBe('@\u2060here* @\u2060everyone~');
  });

  it('keeps an untrusted code fence from opening a block that swallows the rest of the message', () => {
    expect(escapeMrkdwn('prod```')).toBe('prodˋˋˋ');
    expect(escapeMrkdwn('a````b `c`')).toBe('aˋˋˋˋb `c`');
  });
});

describe('sanitizeText', () => {
  it('cleans without escaping (for plain_text)', () => {
    expect(sanitizeText('<b>&\n', { singleLine: true })).toBe('<b>& ');
  });
});

describe('escapeEmphasized', () => {
  it('replaces formatting characters with lookalikes so our bold cannot be closed early', () => {
    expect(escapeEmphasized('*x* _y_ ~z~ `w` <!here>')).toBe(
      '\u2217x\u2217 \u02cdy\u02cd \u223cz\u223c \u02cbw\u02cb &lt;!here&gt;',
    );
  });
});

describe('inlineCode and codeBlock', () => {
  it('keeps untrusted backticks from ending the code span', () => {
    expect(inlineCode('a`b <x>')).toBe('`a\u02cbb &lt;x&gt;`');
    expect(inlineCode('line1\nline2')).toBe('`line1 line2`');
  });

  it('keeps a run of three backticks from ending the block', () => {
    expect(codeBlock('{"a": "```"}\n<!channel>')).toBe('```{"a": "\u02cb\u02cb\u02cb"}\n&lt;!channel&gt;```');
  });

  it('shows empty values as such instead of an empty code span', () => {
    expect(inlineCode('  ')).toBe('_(empty)_');
    expect(codeBlock('')).toBe('_(empty)_');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe(`abc${ELLIPSIS}`);
    expect(truncate('abcdef', 0)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    // Prepare: "ab" then an emoji (two UTF-16 units) then more text.
    const text = 'ab😀cd';

    // Act
    const cut = truncate(text, 4);

    // Assess
    expect(cut).toBe(`ab${ELLIPSIS}`);
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('truncateMrkdwn', () => {
  it('does not cut inside an entity', () => {
    // "a &amp; b": a cut at 5 would leave "a &am".
    const cut = truncateMrkdwn('a &amp; b and more', 6);
    expect(cut).toBe(`a ${ELLIPSIS}`);
  });

  it('does not cut inside our own link or date', () => {
    const text = 'see <https://us-east-1.console.aws.amazon.com/x|the event> now';
    expect(truncateMrkdwn(text, 30)).toBe(`see ${ELLIPSIS}`);
    expect(truncateMrkdwn('at <!date^1^{time}|00:00> ok', 20)).toBe(`at ${ELLIPSIS}`);
  });

  it('closes a code block the cut left open, within the limit', () => {
    // Prepare
    const text = `*Policy*\n\`\`\`${'x'.repeat(100)}\`\`\``;

    // Act
    const cut = truncateMrkdwn(text, 50);

    // Assess
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith(`${ELLIPSIS}\`\`\``)).toBe(true);
    expect(cut.split('```').length - 1).toBe(2);
  });

  it('never exceeds the limit, whatever the input', () => {
    const inputs = ['&amp;'.repeat(1000), '<@U1>'.repeat(500), '```a```'.repeat(300), '😀'.repeat(2000)];
    for (const input of inputs) {
      for (const max of [1, 2, 5, 17, 100, 2999]) {
        expect(truncateMrkdwn(input, max).length).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe('link', () => {
  it('escapes the label and keeps the URL from closing the construct', () => {
    expect(link('https://example.com/a|b<c>', '<!channel> | x')).toBe(
      '<https://example.com/a%7Cb%3Cc%3E|&lt;!channel&gt; \u2223 x>',
    );
  });

  it('escapes & in the URL as Slack expects', () => {
    expect(link('https://example.com/?a=1&b=2', 'x')).toBe('<https://example.com/?a=1&amp;b=2|x>');
  });

  it('gives the bare label for anything but an https URL', () => {
    expect(link('javascript:alert(1)', 'x<')).toBe('x&lt;');
    expect(link('http://example.com', 'plain')).toBe('plain');
  });
});

describe('date', () => {
  it('formats an ISO time for each reader, with a UTC fallback', () => {
    expect(date('2020-04-30T04:40:52Z')).toBe(
      '<!date^1588221652^{date_short_pretty} at {time}|2020-04-30 04:40 UTC>',
    );
  });

  it('takes a format and a fallback; the fallback cannot break out of the construct', () => {
    expect(date('2020-04-30T04:40:52.123+02:00', 'x|y<z>&\nw', '{time}')).toBe(
      '<!date^1588214452^{time}|xyz w>',
    );
  });

  it('shows unparseable times as escaped text', () => {
    expect(date('<!channel>')).toBe('&lt;!channel&gt;');
    expect(date('2020-13-45T99:99:99Z', 'n/a')).toBe('n/a');
  });

  it('parses only ISO-8601 times with a zone', () => {
    expect(parseIsoTime('2022-10-20T14:16:43Z')).toBe(Date.UTC(2022, 9, 20, 14, 16, 43));
    expect(parseIsoTime('2022-10-20 14:16:43')).toBeNull();
    expect(formatUtc(Date.UTC(2022, 9, 20, 14, 16, 43))).toBe('2022-10-20 14:16 UTC');
  });
});

describe('mention', () => {
  it('mentions a Slack user id and escapes anything else', () => {
    expect(mention('U0123ABCD', 'alice')).toBe('<@U0123ABCD>');
    expect(mention('W0123ABCD', 'alice')).toBe('<@W0123ABCD>');
    expect(mention('U1>|<!channel', '<!here>')).toBe('&lt;!here&gt;');
    expect(mention('', '')).toBe('someone');
  });
});
