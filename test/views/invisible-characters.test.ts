import type { Change } from '../../src/model/change';
import type { Mute } from '../../src/model/mute';
import {
  renderAckNoteModal,
  renderAlert,
  renderAlertContent,
  renderAlreadyAcknowledged,
  renderChannelSettings,
  renderCommandError,
  renderDigest,
  renderEscalation,
  renderGroupedAlert,
  renderInvestigateModal,
  renderMuteAnnouncement,
  renderUnmuteAnnouncement,
} from '../../src/views';
import { assertValidMessage } from '../helpers/block-kit';
import { burstOf, publicBucketPolicy, sshOpenToWorld } from './changes';

/**
 * Invisible code points an event can carry to make one name read as another (`ad\u200Bmin` as `admin`), or to
 * reorder what a reader sees: zero-width characters, direction marks, bidi embeddings/overrides/isolates, Unicode
 * tag characters (invisible ASCII), the soft hyphen, the combining grapheme joiner, Hangul fillers.
 */
const INVISIBLE: ReadonlyArray<readonly [char: string, shown: string]> = [
  ['\u200B', '⟨U+200B⟩'],
  ['\u200C', '⟨U+200C⟩'],
  ['\u200D', '⟨U+200D⟩'],
  ['\u2060', '⟨U+2060⟩'],
  ['\uFEFF', '⟨U+FEFF⟩'],
  ['\u200E', '⟨U+200E⟩'],
  ['\u200F', '⟨U+200F⟩'],
  ['\u061C', '⟨U+061C⟩'],
  ['\u202A', '⟨U+202A⟩'],
  ['\u202E', '⟨U+202E⟩'],
  ['\u2066', '⟨U+2066⟩'],
  ['\u2069', '⟨U+2069⟩'],
  ['\u{E0041}', '⟨U+E0041⟩'],
  ['\u{E007F}', '⟨U+E007F⟩'],
  ['\u00AD', '⟨U+00AD⟩'],
  ['\u034F', '⟨U+034F⟩'],
  ['\u3164', '⟨U+3164⟩'],
];
const HIDDEN = '\u200B';
const SHOWN = '⟨U+200B⟩';

/** Any default-ignorable or format code point, except the ones InfraWatch itself writes (see below). */
const ANY_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;

/**
 * What InfraWatch writes on purpose: the word joiner that breaks `@channel` into plain text, and the emoji
 * variation selector of its own ⚠️.
 */
function withoutOwnMarks(text: string): string {
  return text.replace(/@\u2060(channel|here|everyone)/gi, '@$1').replace(/\u26A0\uFE0F/g, '⚠');
}

/** Every string a person can see in a message or modal (ids, values and metadata are not shown). */
function shownStrings(value: unknown, key = ''): string[] {
  if (typeof value === 'string') {
    return ['value', 'action_id', 'block_id', 'callback_id', 'private_metadata', 'url', 'type'].includes(key)
      ? []
      : [value];
  }
  if (Array.isArray(value)) return value.flatMap((item) => shownStrings(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => shownStrings(v, k));
  }
  return [];
}

function expectNothingInvisible(rendered: unknown): void {
  for (const text of shownStrings(rendered)) {
    const hidden = ANY_INVISIBLE.exec(withoutOwnMarks(text));
    if (hidden !== null) {
      throw new Error(
        `U+${hidden[0].codePointAt(0)?.toString(16).toUpperCase()} reached Slack unseen in: ${JSON.stringify(text)}`,
      );
    }
  }
}

const hide = (text: string) => `${text.slice(0, 2)}${HIDDEN}${text.slice(2)}`;

/** A change whose every event-controlled string carries a zero-width space. */
function poisoned(base: Change): Change {
  const change = structuredClone(base);
  change.eventName = hide(change.eventName);
  change.region = hide(change.region);
  change.account = hide(change.account);
  change.actor.display = hide(change.actor.display);
  change.actor.arn = hide(change.actor.arn ?? 'arn');
  change.sourceIp = hide(change.sourceIp ?? 'ip');
  change.userAgent = hide(change.userAgent ?? 'agent');
  change.summary = hide(change.summary);
  change.reasons = change.reasons.map(hide);
  change.details = change.details.map(({ label, value }) => ({ label: hide(label), value: hide(value) }));
  change.resources = change.resources.map(({ type, id }) => ({ type: hide(type), id: hide(id) }));
  change.outcome = { ok: false, errorCode: hide('Client.UnauthorizedOperation'), errorMessage: hide('no') };
  return change;
}

const NOW = '2026-11-27T12:00:00.000Z';

describe('invisible characters are shown, never passed on as real text', () => {
  it.each(INVISIBLE.map(([char, shown]) => [shown, char]))('%s hidden in a name is shown', (shown, char) => {
    const change = sshOpenToWorld();
    change.actor.display = `ad${char}min`;

    const text = JSON.stringify(renderAlert(change));

    expect(text).toContain(`ad${shown}min`);
    expect(text).not.toContain(char);
  });

  it('an alert shows every hidden character of every event field', () => {
    for (const base of [sshOpenToWorld(), publicBucketPolicy()]) {
      const rendered = renderAlert(poisoned(base));

      expectNothingInvisible(rendered);
      expect(JSON.stringify(rendered)).toContain(SHOWN);
    }
  });

  it('grouped alerts, escalation replies and the investigate modal too', () => {
    const lead = poisoned(sshOpenToWorld());
    const burst = burstOf(lead, 5);
    const single = burstOf(poisoned(publicBucketPolicy()), 1);
    const rendered = [
      renderGroupedAlert(burst),
      renderAlertContent(single),
      renderEscalation(burst),
      renderInvestigateModal({
        content: burst,
        raw: JSON.stringify({ detail: { userName: `ad${HIDDEN}min` } }),
        related: burst.lines.slice(1),
        now: NOW,
        watchTitle: hide('Security groups'),
      }),
    ];

    for (const message of rendered) {
      expectNothingInvisible(message);
      expect(JSON.stringify(message)).toContain(SHOWN);
    }
  });

  it('the digest, acknowledgement replies and mute replies too', () => {
    const headline = renderAlertContent(burstOf(poisoned(sshOpenToWorld()), 1)).text;
    const mute: Mute = {
      channel: 'C0123456789',
      type: 'actor',
      value: `ad${HIDDEN}min`,
      setBy: `U${HIDDEN}1`,
      setAt: NOW,
      expiresAt: '2026-11-27T14:00:00.000Z',
    };
    const rendered = [
      renderDigest({
        channel: 'C0123456789',
        now: NOW,
        since: '2026-11-26T12:00:00.000Z',
        mutedCount: 0,
        alerts: [
          {
            id: 'a1',
            watch: 'security-groups',
            watchTitle: hide('Security groups'),
            severity: 'critical',
            createdAt: '2026-11-27T11:00:00.000Z',
            headline,
            changeCount: 1,
            investigation: { userId: 'U0BOB', userName: hide('bob'), at: NOW },
          },
        ],
      }),
      renderAlreadyAcknowledged({
        acknowledgement: { userId: 'x', userName: hide('alice'), at: NOW },
        now: NOW,
      }),
      renderAckNoteModal({ alertId: 'a1b2c3d4e5f6a7b8c9d0e1f2', summary: headline }),
      renderChannelSettings({ channel: 'C0123456789', subscriptions: [], mutes: [mute], now: NOW }),
      renderMuteAnnouncement({ mutes: [mute], now: NOW }),
      renderUnmuteAnnouncement({ target: mute, userId: 'U0ALICE', existed: true }),
      renderCommandError(`Unknown watch 'ad${HIDDEN}min'.`),
    ];

    for (const message of rendered) {
      expectNothingInvisible(message);
      expect(JSON.stringify(message)).toContain(SHOWN);
    }
  });

  it('a name made only of hidden characters still fits every Slack limit once shown', () => {
    const change = sshOpenToWorld();
    change.actor.display = '\u{E0041}'.repeat(3000);
    change.summary = HIDDEN.repeat(5000);
    change.details = [{ label: 'Rule', value: '\u202E'.repeat(5000) }];

    const message = renderAlert(change);

    assertValidMessage(message);
    expectNothingInvisible(message);
  });

  it('keeps the joiners of emoji sequences and the word joiner that disarms @channel', () => {
    const change = sshOpenToWorld();
    change.summary = 'deploy 👩‍💻 ❤️ done @channel';

    const text = JSON.stringify(renderAlert(change));

    expect(text).toContain('👩‍💻 ❤️');
    expect(text).toContain('@\u2060channel');
    expect(text).not.toContain('⟨U+');
  });
});
