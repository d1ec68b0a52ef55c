/**
 * Block Kit and mrkdwn for the local Slack page.
 *
 * Message content is untrusted: alerts quote CloudTrail fields that anyone able to call AWS chooses. So nothing
 * here parses HTML. mrkdwn is parsed into a small tree ({@link parseMrkdwn}, pure), and the tree and the blocks are
 * turned into DOM nodes with createElement and createTextNode/textContent only; attributes are set with
 * setAttribute, and a link keeps its href only for http:, https: and mailto: URLs.
 *
 * A classic script: the page gets `window.InfraWatchBlockKit`; Node (the tests) gets `module.exports`.
 */
((root) => {
  const EMPHASIS = { '*': 'bold', _: 'italic', '~': 'strike' };
  const BROADCASTS = ['here', 'channel', 'everyone'];
  const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:'];

  function decodeEntities(text) {
    return text.replace(/&(amp|lt|gt);/g, (_, name) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
  }

  /** The URL when it is http(s) or mailto, else null: `javascript:` and `data:` never become links. */
  function safeUrl(url) {
    if (typeof url !== 'string' || url === '') return null;
    try {
      const parsed = new URL(url);
      return SAFE_PROTOCOLS.includes(parsed.protocol) ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function isSpace(unit) {
    return typeof unit === 'string' && /\s/u.test(unit);
  }

  function isWordChar(unit) {
    return typeof unit === 'string' && /[\p{L}\p{N}]/u.test(unit);
  }

  // ------------------------------------------------------------------ dates

  const DATE_TOKENS = new Set([
    'date_num',
    'date',
    'date_short',
    'date_long',
    'date_pretty',
    'date_short_pretty',
    'date_long_pretty',
    'time',
    'time_secs',
    'ago',
  ]);

  function ordinal(day) {
    const n = Number(day);
    if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
    return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
  }

  function partsOf(ms, options, fields) {
    const parts = {};
    const format = new Intl.DateTimeFormat(options.locale, { timeZone: options.timeZone, ...fields });
    for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
    return parts;
  }

  function dayKey(ms, options) {
    const p = partsOf(ms, options, { year: 'numeric', month: '2-digit', day: '2-digit' });
    return `${p.year}-${p.month}-${p.day}`;
  }

  function ago(ms, now) {
    const seconds = Math.round((now - ms) / 1000);
    const future = seconds < 0;
    const abs = Math.abs(seconds);
    const units = [
      ['year', 365 * 86400],
      ['month', 30 * 86400],
      ['day', 86400],
      ['hour', 3600],
      ['minute', 60],
    ];
    for (const [name, size] of units) {
      if (abs >= size) {
        const count = Math.floor(abs / size);
        const text = `${count} ${name}${count === 1 ? '' : 's'}`;
        return future ? `in ${text}` : `${text} ago`;
      }
    }
    return future ? 'in a few seconds' : 'a few seconds ago';
  }

  /**
   * Slack's `<!date^epoch^format|fallback>` tokens ({date_num}, {date}, {date_short}, {date_long}, their _pretty
   * forms, {time}, {time_secs}, {ago}) in a time zone; null when the format has a token Slack does not know or
   * the epoch is not a number (the caller then shows the fallback).
   * @param {number} epochSeconds
   * @param {string} format
   * @param {{ now?: number, timeZone?: string, locale?: string }} [options]
   */
  function formatSlackDate(epochSeconds, format, options) {
    const ms = Number(epochSeconds) * 1000;
    if (!Number.isFinite(ms) || typeof format !== 'string') return null;
    const opts = { now: Date.now(), locale: 'en-US', timeZone: undefined, ...options };
    const tokens = [...format.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    if (tokens.some((token) => !DATE_TOKENS.has(token))) return null;
    const long = partsOf(ms, opts, {
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    });
    const short = partsOf(ms, opts, { year: 'numeric', month: 'short', day: 'numeric' });
    const num = partsOf(ms, opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
    const date = `${long.month} ${ordinal(long.day)}, ${long.year}`;
    const dateShort = `${short.month} ${short.day}, ${short.year}`;
    const dateLong = `${long.weekday}, ${date}`;
    const day = dayKey(ms, opts);
    const relative =
      day === dayKey(opts.now, opts)
        ? 'today'
        : day === dayKey(opts.now - 86_400_000, opts)
          ? 'yesterday'
          : day === dayKey(opts.now + 86_400_000, opts)
            ? 'tomorrow'
            : null;
    const time = (seconds) =>
      new Intl.DateTimeFormat(opts.locale, {
        timeZone: opts.timeZone,
        hour: 'numeric',
        minute: '2-digit',
        ...(seconds ? { second: '2-digit' } : {}),
      }).format(new Date(ms));
    const values = {
      date_num: `${num.year}-${num.month}-${num.day}`,
      date,
      date_short: dateShort,
      date_long: dateLong,
      date_pretty: relative ?? date,
      date_short_pretty: relative ?? dateShort,
      date_long_pretty: relative ?? dateLong,
      time: time(false),
      time_secs: time(true),
      ago: ago(ms, opts.now),
    };
    return format.replace(/\{([a-z_]+)\}/g, (_, token) => values[token]);
  }

  // ------------------------------------------------------------------ mrkdwn

  /** `<…>` constructs: links, mentions, broadcasts, dates. null when the construct means nothing to Slack. */
  function angleNode(inner, options) {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? '' : decodeEntities(inner.slice(bar + 1));
    if (target.startsWith('@')) {
      const id = target.slice(1);
      const name = options.userName?.(id) ?? (label || id);
      return { type: 'mention', kind: 'user', text: `@${name}` };
    }
    if (target.startsWith('#')) {
      const id = target.slice(1);
      const name = options.channelName?.(id) ?? (label || id);
      return { type: 'mention', kind: 'channel', text: `#${name}` };
    }
    if (target.startsWith('!')) {
      const [command, ...args] = target.slice(1).split('^');
      if (command === 'date') {
        const formatted = options.formatDate ? options.formatDate(Number(args[0]), args[1] ?? '') : null;
        const url = safeUrl(decodeEntities(args[2] ?? ''));
        return { type: 'date', text: formatted ?? label, fallback: label, ...(url ? { url } : {}) };
      }
      if (BROADCASTS.includes(command)) return { type: 'mention', kind: 'broadcast', text: `@${command}` };
      if (command === 'subteam') return { type: 'mention', kind: 'group', text: label || '@group' };
      return label ? { type: 'text', text: label } : null;
    }
    const url = safeUrl(decodeEntities(target));
    // A label with a URL that must not be followed (javascript:, data:…) is shown as its label, unlinked.
    if (!url) return label ? { type: 'text', text: label } : null;
    return { type: 'link', url, children: [{ type: 'text', text: label || decodeEntities(target) }] };
  }

  /** Text split into units: one per character (code point), and one per `<…>` construct. */
  function unitsOf(text, options) {
    const units = [];
    const pushText = (raw) => {
      for (const char of decodeEntities(raw)) units.push(char);
    };
    let last = 0;
    for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
      const node = angleNode(match[1], options);
      pushText(text.slice(last, match.index));
      if (node) units.push(node);
      else pushText(match[0]);
      last = match.index + match[0].length;
    }
    pushText(text.slice(last));
    return units;
  }

  function flatten(units, from, to) {
    const nodes = [];
    let text = '';
    for (let i = from; i < to; i++) {
      const unit = units[i];
      if (typeof unit === 'string') text += unit;
      else {
        if (text) nodes.push({ type: 'text', text });
        text = '';
        nodes.push(unit);
      }
    }
    if (text) nodes.push({ type: 'text', text });
    return nodes;
  }

  // Emphasis opens after a boundary (start, space, punctuation) before a non-space, and closes after a
  // non-space before a boundary, on one line: `deploy_role_x` and `s3:*` stay as they are, as in Slack.
  function closingOf(units, open, to, mark) {
    const before = units[open - 1];
    const after = units[open + 1];
    if (isWordChar(before) || open + 1 >= to || isSpace(after) || after === mark) return -1;
    for (let j = open + 2; j < to; j++) {
      if (units[j] === '\n') return -1;
      if (units[j] === mark && !isSpace(units[j - 1]) && !isWordChar(units[j + 1])) return j;
    }
    return -1;
  }

  function codeClosingOf(units, open, to) {
    for (let j = open + 1; j < to; j++) {
      if (units[j] === '\n') return -1;
      if (units[j] === '`') return j > open + 1 ? j : -1;
    }
    return -1;
  }

  function inline(units, from, to) {
    const nodes = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ type: 'text', text });
      text = '';
    };
    let i = from;
    while (i < to) {
      const unit = units[i];
      if (typeof unit !== 'string') {
        flush();
        nodes.push(unit);
        i += 1;
        continue;
      }
      if (unit === '`') {
        const close = codeClosingOf(units, i, to);
        if (close !== -1) {
          flush();
          nodes.push({ type: 'code', children: flatten(units, i + 1, close) });
          i = close + 1;
          continue;
        }
      } else if (EMPHASIS[unit]) {
        const close = closingOf(units, i, to, unit);
        if (close !== -1) {
          flush();
          nodes.push({ type: EMPHASIS[unit], children: inline(units, i + 1, close) });
          i = close + 1;
          continue;
        }
      }
      text += unit;
      i += 1;
    }
    flush();
    return nodes;
  }

  function parseInline(text, options) {
    const units = unitsOf(text, options);
    return inline(units, 0, units.length);
  }

  /** Lines starting with `>` become a quote; the rest is inline text. */
  function parseLines(text, options, out) {
    const lines = text.split('\n');
    let plain = [];
    let quote = [];
    const flushPlain = () => {
      if (plain.length > 0) out.push(...parseInline(plain.join('\n'), options));
      plain = [];
    };
    const flushQuote = () => {
      if (quote.length > 0) out.push({ type: 'quote', children: parseInline(quote.join('\n'), options) });
      quote = [];
    };
    for (const line of lines) {
      if (line.startsWith('>')) {
        flushPlain();
        quote.push(line.replace(/^> ?/, ''));
      } else {
        flushQuote();
        plain.push(line);
      }
    }
    flushPlain();
    flushQuote();
  }

  /**
   * Slack mrkdwn as a tree of nodes: `text`, `bold`, `italic`, `strike`, `code`, `pre`, `quote`, `link` (url kept
   * only when safe), `mention`, `date`. Entities (`&amp;`, `&lt;`, `&gt;`) are decoded into text, never markup.
   * @param {string} text
   * @param {{ userName?: (id: string) => string | undefined, channelName?: (id: string) => string | undefined,
   *   formatDate?: (epochSeconds: number, format: string) => string | null }} [options]
   */
  function parseMrkdwn(text, options) {
    const opts = options ?? {};
    const source = typeof text === 'string' ? text : '';
    const parts = source.split('```');
    // An unclosed fence is shown as typed.
    if (parts.length % 2 === 0)
      parts.splice(parts.length - 2, 2, `${parts[parts.length - 2]}\`\`\`${parts[parts.length - 1]}`);
    const out = [];
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        const units = unitsOf(part.replace(/^\n/, '').replace(/\n$/, ''), opts);
        out.push({ type: 'pre', children: flatten(units, 0, units.length) });
      } else if (part !== '') {
        parseLines(part, opts, out);
      }
    });
    return out;
  }

  /** The text a reader sees, without formatting (for window.confirm and titles). */
  function textOfNodes(nodes) {
    return nodes.map((node) => (node.children ? textOfNodes(node.children) : node.text)).join('');
  }

  /** A text object (plain_text or mrkdwn) as plain text. */
  function plainTextOf(textObject, options) {
    if (!textObject || typeof textObject.text !== 'string') return '';
    if (textObject.type === 'mrkdwn') return textOfNodes(parseMrkdwn(textObject.text, options));
    return textObject.text;
  }

  // ------------------------------------------------------------------ DOM

  const TAGS = {
    bold: 'strong',
    italic: 'em',
    strike: 's',
    code: 'code',
    pre: 'pre',
    quote: 'blockquote',
  };

  function element(doc, tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.setAttribute('class', className);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function linkElement(doc, url) {
    const a = element(doc, 'a');
    a.setAttribute('href', url);
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
    return a;
  }

  function renderNode(doc, node) {
    switch (node.type) {
      case 'text':
        return doc.createTextNode(node.text);
      case 'link': {
        const url = safeUrl(node.url);
        const a = url ? linkElement(doc, url) : element(doc, 'span');
        appendNodes(doc, a, node.children);
        return a;
      }
      case 'mention':
        return element(doc, 'span', `mention mention-${node.kind}`, node.text);
      case 'date': {
        const time = element(doc, 'time', 'date', node.text);
        if (node.fallback) time.setAttribute('title', node.fallback);
        const url = safeUrl(node.url);
        if (!url) return time;
        const a = linkElement(doc, url);
        a.appendChild(time);
        return a;
      }
      default: {
        const tag = TAGS[node.type];
        if (!tag) return doc.createTextNode(textOfNodes([node]));
        const el = element(doc, tag);
        appendNodes(doc, el, node.children);
        return el;
      }
    }
  }

  function appendNodes(doc, parent, nodes) {
    for (const node of nodes) parent.appendChild(renderNode(doc, node));
    return parent;
  }

  /**
   * A text object as an element: mrkdwn formatted, plain_text as it is. (`verbatim` only stops Slack from linking
   * bare URLs and names, which this page never does.)
   */
  function renderText(doc, textObject, options, className) {
    const container = element(doc, 'div', className ? `bk-text ${className}` : 'bk-text');
    if (!textObject || typeof textObject.text !== 'string') return container;
    if (textObject.type === 'mrkdwn')
      return appendNodes(doc, container, parseMrkdwn(textObject.text, options));
    container.textContent = textObject.text;
    return container;
  }

  // ------------------------------------------------------------------ blocks

  function button(doc, elementDef, ctx, path) {
    const style =
      elementDef.style === 'primary' || elementDef.style === 'danger' ? ` ${elementDef.style}` : '';
    const node = element(doc, 'button', `bk-button${style}`, plainTextOf(elementDef.text));
    node.setAttribute('type', 'button');
    if (ctx.onAction) {
      node.addEventListener('click', () => {
        if (elementDef.confirm && ctx.confirm && !ctx.confirm(elementDef.confirm)) return;
        const url = safeUrl(elementDef.url);
        if (url && ctx.openUrl) ctx.openUrl(url);
        ctx.onAction({ path, actionId: elementDef.action_id, selected: [] });
      });
    } else {
      node.setAttribute('disabled', '');
    }
    return node;
  }

  function overflow(doc, elementDef, ctx, path) {
    const wrapper = element(doc, 'div', 'bk-overflow');
    const toggle = element(doc, 'button', 'bk-button bk-overflow-toggle', '⋯');
    toggle.setAttribute('type', 'button');
    toggle.setAttribute('aria-label', 'More actions');
    const menu = element(doc, 'div', 'bk-menu');
    menu.setAttribute('hidden', '');
    for (const option of Array.isArray(elementDef.options) ? elementDef.options : []) {
      const item = element(doc, 'button', 'bk-menu-item', plainTextOf(option.text));
      item.setAttribute('type', 'button');
      if (ctx.onAction) {
        item.addEventListener('click', () => {
          menu.setAttribute('hidden', '');
          if (elementDef.confirm && ctx.confirm && !ctx.confirm(elementDef.confirm)) return;
          ctx.onAction({ path, actionId: elementDef.action_id, selected: [option.value] });
        });
      }
      menu.appendChild(item);
    }
    toggle.addEventListener('click', () => {
      if (menu.hasAttribute('hidden')) menu.removeAttribute('hidden');
      else menu.setAttribute('hidden', '');
    });
    wrapper.appendChild(toggle);
    wrapper.appendChild(menu);
    return wrapper;
  }

  function optionsOf(elementDef) {
    const options = Array.isArray(elementDef.options) ? [...elementDef.options] : [];
    for (const group of Array.isArray(elementDef.option_groups) ? elementDef.option_groups : []) {
      if (Array.isArray(group.options)) options.push(...group.options);
    }
    return options;
  }

  function select(doc, elementDef) {
    const node = element(doc, 'select', 'bk-select');
    const placeholder = element(doc, 'option', '', plainTextOf(elementDef.placeholder) || 'Choose…');
    placeholder.value = '';
    node.appendChild(placeholder);
    for (const option of optionsOf(elementDef)) {
      const item = element(doc, 'option', '', plainTextOf(option.text));
      item.value = option.value;
      if (elementDef.initial_option?.value === option.value) item.selected = true;
      node.appendChild(item);
    }
    return node;
  }

  function interactiveElement(doc, elementDef, ctx, path) {
    switch (elementDef.type) {
      case 'button':
        return button(doc, elementDef, ctx, path);
      case 'overflow':
        return overflow(doc, elementDef, ctx, path);
      case 'static_select': {
        const node = select(doc, elementDef);
        if (ctx.onAction) {
          node.addEventListener('change', () => {
            if (node.value) ctx.onAction({ path, actionId: elementDef.action_id, selected: [node.value] });
          });
        }
        return node;
      }
      case 'image':
        return imageElement(doc, elementDef);
      default:
        return element(doc, 'span', 'bk-unsupported', `[${elementDef.type} is not shown on the local page]`);
    }
  }

  // External images are not loaded (the page's CSP forbids it too): their alt text and a link stand in.
  function imageElement(doc, elementDef) {
    const text = `🖼 ${typeof elementDef.alt_text === 'string' ? elementDef.alt_text : 'image'}`;
    const url = safeUrl(elementDef.image_url);
    if (!url) return element(doc, 'span', 'bk-image', text);
    const a = linkElement(doc, url);
    a.setAttribute('class', 'bk-image');
    a.textContent = text;
    return a;
  }

  function inputControl(doc, block) {
    const def = block.element ?? {};
    const wrap = element(doc, 'div', 'bk-input-control');
    const attach = (control, kind) => {
      control.setAttribute('data-block-id', block.block_id);
      control.setAttribute('data-input', kind);
      wrap.appendChild(control);
    };
    const placeholder = plainTextOf(def.placeholder);
    switch (def.type) {
      case 'plain_text_input':
      case 'number_input':
      case 'email_text_input':
      case 'url_text_input': {
        const multiline = def.type === 'plain_text_input' && def.multiline === true;
        const control = element(doc, multiline ? 'textarea' : 'input');
        if (!multiline) {
          const type = { email_text_input: 'email', url_text_input: 'url' }[def.type] ?? 'text';
          control.setAttribute('type', type);
          if (def.type === 'number_input') control.setAttribute('inputmode', 'decimal');
        }
        if (placeholder) control.setAttribute('placeholder', placeholder);
        if (typeof def.max_length === 'number') control.setAttribute('maxlength', String(def.max_length));
        if (typeof def.initial_value === 'string') control.value = def.initial_value;
        attach(control, 'text');
        break;
      }
      case 'static_select':
        attach(select(doc, def), 'select');
        break;
      case 'radio_buttons':
      case 'checkboxes': {
        const group = element(doc, 'div', 'bk-choices');
        for (const option of optionsOf(def)) {
          const label = element(doc, 'label', 'bk-choice');
          const box = element(doc, 'input');
          box.setAttribute('type', def.type === 'checkboxes' ? 'checkbox' : 'radio');
          box.setAttribute('name', block.block_id);
          box.value = option.value;
          label.appendChild(box);
          label.appendChild(doc.createTextNode(` ${plainTextOf(option.text)}`));
          group.appendChild(label);
        }
        attach(group, def.type === 'checkboxes' ? 'checkboxes' : 'radio');
        break;
      }
      default:
        wrap.appendChild(element(doc, 'span', 'bk-unsupported', `[${def.type} cannot be filled in here]`));
    }
    return wrap;
  }

  function inputBlock(doc, block, ctx) {
    const node = element(doc, 'div', 'bk-input');
    const label = element(doc, 'label', 'bk-input-label', plainTextOf(block.label));
    if (block.optional) label.appendChild(element(doc, 'span', 'bk-optional', ' (optional)'));
    node.appendChild(label);
    if (ctx.inputs) node.appendChild(inputControl(doc, block));
    else node.appendChild(element(doc, 'span', 'bk-unsupported', '[input]'));
    if (block.hint) node.appendChild(renderText(doc, block.hint, ctx.mrkdwn, 'bk-hint'));
    const error = ctx.errors?.[block.block_id];
    if (error) node.appendChild(element(doc, 'div', 'bk-error', String(error)));
    return node;
  }

  function richText(doc, block, ctx) {
    const node = element(doc, 'div', 'bk-rich-text');
    const inlineElements = (parent, elements) => {
      for (const el of Array.isArray(elements) ? elements : []) {
        let child;
        if (el.type === 'text') {
          child = doc.createTextNode(el.text ?? '');
          for (const [flag, tag] of [
            ['code', 'code'],
            ['strike', 's'],
            ['italic', 'em'],
            ['bold', 'strong'],
          ]) {
            if (el.style?.[flag]) {
              const wrapper = element(doc, tag);
              wrapper.appendChild(child);
              child = wrapper;
            }
          }
        } else if (el.type === 'link') {
          const url = safeUrl(el.url);
          child = url ? linkElement(doc, url) : element(doc, 'span');
          child.textContent = el.text || el.url || '';
        } else if (el.type === 'user') {
          child = element(doc, 'span', 'mention', `@${ctx.mrkdwn?.userName?.(el.user_id) ?? el.user_id}`);
        } else if (el.type === 'channel') {
          child = element(
            doc,
            'span',
            'mention',
            `#${ctx.mrkdwn?.channelName?.(el.channel_id) ?? el.channel_id}`,
          );
        } else if (el.type === 'emoji') {
          child = doc.createTextNode(
            el.unicode
              ? String.fromCodePoint(...el.unicode.split('-').map((h) => Number.parseInt(h, 16)))
              : `:${el.name}:`,
          );
        } else if (el.type === 'broadcast') {
          child = element(doc, 'span', 'mention', `@${el.range}`);
        } else if (el.type === 'date') {
          const formatted = ctx.mrkdwn?.formatDate?.(el.timestamp, el.format ?? '') ?? el.fallback ?? '';
          child = element(doc, 'time', 'date', formatted);
        } else {
          child = doc.createTextNode(el.text ?? '');
        }
        parent.appendChild(child);
      }
      return parent;
    };
    for (const section of Array.isArray(block.elements) ? block.elements : []) {
      if (section.type === 'rich_text_section')
        node.appendChild(inlineElements(element(doc, 'div'), section.elements));
      else if (section.type === 'rich_text_preformatted')
        node.appendChild(inlineElements(element(doc, 'pre'), section.elements));
      else if (section.type === 'rich_text_quote')
        node.appendChild(inlineElements(element(doc, 'blockquote'), section.elements));
      else if (section.type === 'rich_text_list') {
        const list = element(doc, section.style === 'ordered' ? 'ol' : 'ul');
        for (const item of Array.isArray(section.elements) ? section.elements : []) {
          list.appendChild(inlineElements(element(doc, 'li'), item.elements));
        }
        node.appendChild(list);
      }
    }
    return node;
  }

  function renderBlock(doc, block, index, ctx) {
    const mrkdwn = ctx.mrkdwn;
    switch (block.type) {
      case 'header':
        return element(doc, 'div', 'bk-header', plainTextOf(block.text));
      case 'divider':
        return element(doc, 'hr', 'bk-divider');
      case 'section': {
        const node = element(doc, 'div', 'bk-section');
        const body = element(doc, 'div', 'bk-section-body');
        if (block.text) body.appendChild(renderText(doc, block.text, mrkdwn));
        if (Array.isArray(block.fields)) {
          const fields = element(doc, 'div', 'bk-fields');
          for (const field of block.fields) fields.appendChild(renderText(doc, field, mrkdwn, 'bk-field'));
          body.appendChild(fields);
        }
        node.appendChild(body);
        if (block.accessory) {
          const accessory = element(doc, 'div', 'bk-accessory');
          accessory.appendChild(
            interactiveElement(doc, block.accessory, ctx, { block: index, element: 'accessory' }),
          );
          node.appendChild(accessory);
        }
        return node;
      }
      case 'context': {
        const node = element(doc, 'div', 'bk-context');
        for (const item of Array.isArray(block.elements) ? block.elements : []) {
          node.appendChild(
            item.type === 'image'
              ? imageElement(doc, item)
              : renderText(doc, item, mrkdwn, 'bk-context-item'),
          );
        }
        return node;
      }
      case 'actions': {
        const node = element(doc, 'div', 'bk-actions');
        (Array.isArray(block.elements) ? block.elements : []).forEach((item, i) => {
          node.appendChild(interactiveElement(doc, item, ctx, { block: index, element: i }));
        });
        return node;
      }
      case 'image': {
        const node = element(doc, 'div', 'bk-image-block');
        if (block.title) node.appendChild(element(doc, 'div', 'bk-image-title', plainTextOf(block.title)));
        node.appendChild(imageElement(doc, block));
        return node;
      }
      case 'input':
        return inputBlock(doc, block, ctx);
      case 'rich_text':
        return richText(doc, block, ctx);
      case 'markdown':
        return element(doc, 'div', 'bk-text', typeof block.text === 'string' ? block.text : '');
      default:
        return element(doc, 'div', 'bk-unsupported', `[${block.type} block is not shown on the local page]`);
    }
  }

  /**
   * Blocks as DOM elements inside a new `div.bk-blocks`.
   * @param {Document} doc
   * @param {object[]} blocks
   * @param {{ mrkdwn?: object, onAction?: (click: { path: { block: number, element: number | 'accessory' },
   *   actionId: string, selected: string[] }) => void, confirm?: (dialog: object) => boolean,
   *   openUrl?: (url: string) => void, inputs?: boolean, errors?: Record<string, string> }} [ctx]
   */
  function renderBlocks(doc, blocks, ctx) {
    const context = ctx ?? {};
    const container = element(doc, 'div', 'bk-blocks');
    (Array.isArray(blocks) ? blocks : []).forEach((block, index) => {
      if (block && typeof block === 'object') container.appendChild(renderBlock(doc, block, index, context));
    });
    return container;
  }

  /** The text of a confirm dialog, for window.confirm. */
  function confirmText(dialog, options) {
    return [plainTextOf(dialog.title, options), plainTextOf(dialog.text, options)]
      .filter(Boolean)
      .join('\n\n');
  }

  const api = {
    parseMrkdwn,
    plainTextOf,
    formatSlackDate,
    safeUrl,
    renderText,
    renderBlocks,
    confirmText,
  };
  if (typeof module === 'object' && module !== null && module.exports) module.exports = api;
  else root.InfraWatchBlockKit = api;
})(typeof globalThis === 'object' ? globalThis : this);
