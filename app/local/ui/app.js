/**
 * The local Slack page: polls /api/state for the channel, the current user's ephemeral messages and open modal,
 * and sends clicks, slash commands and modal submissions to the local server, which turns them into signed
 * Slack requests to the app. Content is rendered by blockkit.js (DOM nodes and textContent only); this file
 * never writes HTML either.
 */
(() => {
  const BK = window.InfraWatchBlockKit;
  const POLL_MS = 1000;
  const USER_KEY = 'infrawatch.user';

  const page = {
    user: window.localStorage.getItem(USER_KEY),
    data: null,
    timelineKey: '',
    modalKey: '',
    activityKey: '',
    polling: null,
  };

  const byId = (id) => document.getElementById(id);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function toast(text, kind) {
    const node = element('div', `toast ${kind ?? 'info'}`, text);
    byId('toasts').appendChild(node);
    setTimeout(() => node.remove(), kind === 'error' ? 10_000 : 5_000);
  }

  async function api(path, body) {
    const response = await fetch(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
    return answer;
  }

  /** Reports what a Slack user would have been told (an error, a slow app), then refreshes at once. */
  async function interact(path, body) {
    try {
      const result = await api(path, body);
      if (result.problem) toast(result.problem, 'error');
      return result;
    } catch (error) {
      toast(error.message, 'error');
      return undefined;
    } finally {
      await refresh();
    }
  }

  function mrkdwnOptions() {
    const data = page.data;
    const users = new Map((data?.users ?? []).map((u) => [u.id, u.name]));
    return {
      userName: (id) => users.get(id),
      channelName: (id) => (id === data?.channel.id ? data.channel.name : undefined),
      formatDate: (epoch, format) => BK.formatSlackDate(epoch, format, { now: Date.now() }),
    };
  }

  /** Buttons and menus act only on channel messages (`ts`): InfraWatch puts none in ephemerals or modals. */
  function blockContext(ts, extra, conversation = 'channel') {
    const mrkdwn = mrkdwnOptions();
    return {
      mrkdwn,
      confirm: (dialog) => window.confirm(BK.confirmText(dialog, mrkdwn)),
      openUrl: (url) => window.open(url, '_blank', 'noopener,noreferrer'),
      ...(ts === undefined
        ? {}
        : {
            onAction: (click) =>
              interact('/api/action', {
                user: page.user,
                conversation,
                ts,
                path: click.path,
                actionId: click.actionId,
                selected: click.selected,
              }),
          }),
      ...extra,
    };
  }

  // ---------------------------------------------------------------- timeline

  function timeOf(ts) {
    return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function content(message, ts, conversation) {
    if (Array.isArray(message.blocks) && message.blocks.length > 0) {
      return BK.renderBlocks(document, message.blocks, blockContext(ts, undefined, conversation));
    }
    return BK.renderText(document, { type: 'mrkdwn', text: message.text ?? '' }, mrkdwnOptions());
  }

  /** The frame of a message from the app: avatar, then author, badge and time; returns its parts. */
  function frame(className, ts) {
    const node = element('article', className);
    node.dataset.ts = ts;
    node.appendChild(element('div', 'avatar', 'IW'));
    const main = element('div', 'message-main');
    const meta = element('div', 'message-meta');
    meta.appendChild(element('span', 'author', 'InfraWatch'));
    meta.appendChild(element('span', 'badge', 'APP'));
    meta.appendChild(element('span', 'time', timeOf(ts)));
    main.appendChild(meta);
    node.appendChild(main);
    return { node, main, meta };
  }

  function messageElement(message, replies) {
    const { node, main, meta } = frame('message', message.ts);
    if (message.edited) meta.appendChild(element('span', 'edited', '(edited)'));
    main.appendChild(content(message, message.ts));
    if (replies.length > 0) {
      const thread = element('div', 'thread');
      thread.appendChild(
        element('div', 'thread-label', `${replies.length} repl${replies.length === 1 ? 'y' : 'ies'}`),
      );
      for (const reply of replies) thread.appendChild(messageElement(reply, []));
      main.appendChild(thread);
    }
    return node;
  }

  /** A thread reply also sent to the channel, as Slack shows it there: "replied to a thread". */
  function broadcastElement(message) {
    const { node, main, meta } = frame('message broadcast', message.ts);
    meta.appendChild(element('span', 'replied', 'replied to a thread'));
    main.appendChild(content(message, message.ts));
    return node;
  }

  function ephemeralElement(ephemeral) {
    const { node, main, meta } = frame('message ephemeral', ephemeral.ts);
    meta.appendChild(element('span', 'only-you', `Only visible to you · ${ephemeral.via}`));
    const dismiss = element('button', 'link-button', 'Dismiss');
    dismiss.type = 'button';
    dismiss.addEventListener('click', () =>
      interact('/api/ephemeral/dismiss', { user: page.user, id: ephemeral.id }),
    );
    meta.appendChild(dismiss);
    main.appendChild(content(ephemeral, undefined));
    return node;
  }

  function renderTimeline() {
    const data = page.data;
    const key = JSON.stringify([data.me.id, data.messages, data.ephemerals, data.users]);
    if (key === page.timelineKey) return;
    page.timelineKey = key;
    const timeline = byId('timeline');
    const atBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
    clear(timeline);
    const replies = new Map();
    const items = [];
    for (const message of data.messages) {
      if (message.thread_ts && message.thread_ts !== message.ts) {
        replies.set(message.thread_ts, [...(replies.get(message.thread_ts) ?? []), message]);
        // "Also send to the channel": Slack shows the reply in the channel too, where people see it.
        if (message.subtype === 'thread_broadcast') items.push({ ts: message.ts, broadcast: message });
      } else {
        items.push({ ts: message.ts, message });
      }
    }
    for (const ephemeral of data.ephemerals) items.push({ ts: ephemeral.ts, ephemeral });
    items.sort((a, b) => Number(a.ts) - Number(b.ts));
    if (items.length === 0) {
      timeline.appendChild(
        element(
          'p',
          'empty',
          'No messages yet. Press “Replay samples”, or POST an EventBridge event to /events.',
        ),
      );
    }
    for (const item of items) {
      timeline.appendChild(
        item.message
          ? messageElement(item.message, replies.get(item.message.ts) ?? [])
          : item.broadcast
            ? broadcastElement(item.broadcast)
            : ephemeralElement(item.ephemeral),
      );
    }
    if (atBottom) timeline.scrollTop = timeline.scrollHeight;
  }

  /** "Was this you?" questions the app sent the current user, in their direct messages with InfraWatch. */
  function renderDirectMessages() {
    const data = page.data;
    const key = JSON.stringify([data.me.id, data.directMessages, data.users]);
    if (key === page.dmKey) return;
    page.dmKey = key;
    const list = byId('dms');
    clear(list);
    const messages = data.directMessages ?? [];
    byId('dm-count').textContent = messages.length > 0 ? ` (${messages.length})` : '';
    if (messages.length === 0) {
      list.appendChild(element('p', 'empty', `No direct messages for ${data.me.name}.`));
      return;
    }
    for (const message of messages) {
      const { node, main, meta } = frame('message', message.ts);
      if (message.edited) meta.appendChild(element('span', 'edited', '(edited)'));
      main.appendChild(content(message, message.ts, 'dm'));
      list.appendChild(node);
    }
  }

  // ---------------------------------------------------------------- modal

  function collectInputs(root) {
    return [...root.querySelectorAll('[data-input]')].map((control) => ({
      blockId: control.getAttribute('data-block-id'),
      value: control.value,
    }));
  }

  function restoreInputs(root, inputs) {
    for (const control of root.querySelectorAll('[data-input]')) {
      const saved = inputs.find((input) => input.blockId === control.getAttribute('data-block-id'));
      if (saved) control.value = saved.value ?? '';
    }
  }

  function renderModal() {
    const modal = page.data.modal;
    const root = byId('modal-root');
    const key = modal ? JSON.stringify([page.data.me.id, modal.id, modal.hash, modal.errors]) : '';
    if (key === page.modalKey) return;
    const previous = root.querySelector('form.modal');
    const kept = previous && modal && previous.dataset.viewId === modal.id ? collectInputs(previous) : [];
    page.modalKey = key;
    clear(root);
    if (!modal) return;
    const overlay = element('div', 'overlay');
    const form = element('form', 'modal');
    form.dataset.viewId = modal.id;
    form.noValidate = true;
    const header = element('div', 'modal-header');
    header.appendChild(element('h2', '', BK.plainTextOf(modal.title)));
    form.appendChild(header);
    const body = element('div', 'modal-body');
    body.appendChild(
      BK.renderBlocks(
        document,
        modal.blocks,
        blockContext(undefined, { inputs: true, errors: modal.errors }),
      ),
    );
    form.appendChild(body);
    const footer = element('div', 'modal-footer');
    const close = element('button', 'secondary', BK.plainTextOf(modal.close) || 'Close');
    close.type = 'button';
    close.addEventListener('click', () => interact('/api/view/close', { user: page.user, viewId: modal.id }));
    footer.appendChild(close);
    if (modal.submit) {
      const submit = element('button', 'primary', BK.plainTextOf(modal.submit));
      submit.type = 'submit';
      footer.appendChild(submit);
    }
    form.appendChild(footer);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      interact('/api/view/submit', { user: page.user, viewId: modal.id, inputs: collectInputs(form) });
    });
    overlay.appendChild(form);
    root.appendChild(overlay);
    restoreInputs(form, kept);
    form.querySelector('[data-input]')?.focus();
  }

  // ---------------------------------------------------------------- side panels

  function renderActivity() {
    const { activity, problems } = page.data;
    const key = JSON.stringify([activity, problems]);
    if (key === page.activityKey) return;
    page.activityKey = key;
    const list = byId('activity');
    clear(list);
    for (const entry of [...activity].reverse()) {
      const item = element('li', entry.status !== null && entry.status >= 400 ? 'failed' : '');
      item.appendChild(element('span', 'time', new Date(entry.at).toLocaleTimeString()));
      item.appendChild(element('span', 'request', entry.request));
      item.appendChild(
        element(
          'span',
          'status',
          `${entry.status ?? '—'} · ${entry.elapsedMs} ms${entry.detail ? ` · ${entry.detail}` : ''}`,
        ),
      );
      list.appendChild(item);
    }
    const box = byId('problems');
    clear(box);
    box.hidden = problems.length === 0;
    for (const problem of problems.slice(-3)) box.appendChild(element('div', '', problem));
  }

  function renderUserPicker() {
    const picker = byId('user-picker');
    const people = page.data.users.filter((u) => !u.isBot);
    if (picker.options.length !== people.length) {
      clear(picker);
      for (const user of people) {
        const option = element('option', '', user.realName ? `${user.name} (${user.realName})` : user.name);
        option.value = user.id;
        picker.appendChild(option);
      }
    }
    picker.value = page.user;
    byId('channel-name').textContent = `# ${page.data.channel.name}`;
    byId('command').placeholder = `${page.data.command} help`;
  }

  // ---------------------------------------------------------------- polling

  async function refresh() {
    try {
      let data;
      try {
        data = await api(page.user ? `/api/state?user=${encodeURIComponent(page.user)}` : '/api/state');
      } catch (error) {
        // A user remembered from another configuration: the server's first user instead.
        if (page.data !== null || !page.user) throw error;
        data = await api('/api/state');
      }
      page.user = data.me.id;
      page.data = data;
      document.body.classList.remove('offline');
      renderUserPicker();
      renderTimeline();
      renderDirectMessages();
      renderModal();
      renderActivity();
    } catch {
      document.body.classList.add('offline');
    }
  }

  function schedule() {
    clearTimeout(page.polling);
    page.polling = setTimeout(async () => {
      await refresh();
      schedule();
    }, POLL_MS);
  }

  async function withButton(button, work) {
    button.disabled = true;
    try {
      await work();
    } finally {
      button.disabled = false;
    }
  }

  function start() {
    byId('user-picker').addEventListener('change', (event) => {
      page.user = event.target.value;
      window.localStorage.setItem(USER_KEY, page.user);
      page.modalKey = '';
      refresh();
    });
    byId('composer').addEventListener('submit', async (event) => {
      event.preventDefault();
      const input = byId('command');
      const text = input.value.trim();
      if (!text) return;
      const result = await interact('/api/command', { user: page.user, text });
      if (result) input.value = '';
    });
    const digest = byId('run-digest');
    digest.addEventListener('click', () =>
      withButton(digest, async () => {
        const result = await interact('/api/digest', {});
        if (!result) return;
        toast(
          result.posted.length > 0
            ? `Daily digest posted in ${result.posted.length} channel(s).`
            : 'No digest posted: it already ran today (one per channel per day), or no alert is open. /infrawatch digest posts one on demand.',
        );
      }),
    );
    const reconcile = byId('reconcile');
    reconcile.addEventListener('click', () =>
      withButton(reconcile, async () => {
        const result = await interact('/reconcile', {});
        if (result)
          toast(`Reconciliation read the CloudTrail stand-in: ${result.recovered} change(s) recovered.`);
      }),
    );
    api('/api/clock')
      .then((clock) => {
        const warp = byId('time-warp');
        warp.textContent =
          clock.escalationTimeScale === 1
            ? `Real time: escalation waits are as configured (the sweep runs every ${clock.sweepEverySeconds} s).`
            : `⏩ Local time-warp: escalation waits are divided by ${clock.escalationTimeScale}, so "critical after 15 min" escalates after ${Math.round(900 / clock.escalationTimeScale)} s; the sweep runs every ${clock.sweepEverySeconds} s and reconciliation every ${clock.reconcileEverySeconds} s (ESCALATION_TIME_SCALE=1 npm start for real time). The alert still says "after 15 min".`;
        warp.hidden = false;
      })
      .catch(() => undefined);
    const replay = byId('replay');
    replay.addEventListener('click', () =>
      withButton(replay, async () => {
        toast('Replaying sample events at Slack’s pace (about one post per second)…');
        const result = await interact('/api/replay', {});
        if (result)
          toast(
            `${result.events} sample events logged by CloudTrail; ${result.lost} lost on purpose on the way to EventBridge (reconciliation recovers it within seconds); ${result.failed} failed.`,
          );
      }),
    );
    refresh().then(schedule);
  }

  start();
})();
