import { parseCommand } from '../../src/commands/parse';
import { renderChannelSettings, renderEscalationAnnouncement } from '../../src/views';

const MIN = 60_000;

describe('/infrawatch escalate', () => {
  it.each([
    [
      'escalate critical after 15m to <!here>',
      { severity: 'critical', afterMs: 15 * MIN, targets: [{ kind: 'here' }] },
    ],
    [
      'escalate critical after 15m to here',
      { severity: 'critical', afterMs: 15 * MIN, targets: [{ kind: 'here' }] },
    ],
    [
      'escalate warning after 1h30m to <@U0123ABC|alice>',
      { severity: 'warning', afterMs: 90 * MIN, targets: [{ kind: 'user', id: 'U0123ABC' }] },
    ],
    [
      'Escalate CRITICAL after 10 min to <!subteam^S0ONCALL|@oncall> then <#C0SECOPS|sec-ops>',
      {
        severity: 'critical',
        afterMs: 10 * MIN,
        targets: [
          { kind: 'usergroup', id: 'S0ONCALL' },
          { kind: 'channel', id: 'C0SECOPS' },
        ],
      },
    ],
  ])('reads %s, keeping ids and never labels', (text, policy) => {
    expect(parseCommand(text)).toEqual({ kind: 'escalate', policy });
  });

  it('turns escalation off', () => {
    expect(parseCommand('escalate off')).toEqual({ kind: 'escalate', policy: null });
    expect(parseCommand('escalate off now')).toMatchObject({ kind: 'error' });
  });

  it.each([
    ['escalate', /How should I escalate/],
    ['escalate critcal after 15m to here', /did you mean 'critical'/],
    ['escalate critical to here', /after how long and to whom/],
    ['escalate critical after soon to here', /can't read 'soon' as a duration/],
    ['escalate critical after 30s to here', /can't read/],
    ['escalate critical after 2d to here', /1m at the least and 24h at the most/],
    ['escalate critical after 15m to <!channel>', /never @channel/],
    ['escalate critical after 15m to @channel', /never @channel/],
    ['escalate critical after 15m to @oncall', /plain text, without its id/],
    ['escalate critical after 15m to bob', /not an escalation target/],
    ['escalate critical after 15m to <@not-an-id|x>', /can't use/],
    ['escalate critical after 15m to here then', /at most one more after `then`/],
    ['escalate critical after 15m to here <@U0123ABC>', /Name one target/],
  ])('answers %s with a helpful error', (text, message) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });
});

describe('escalation in /infrawatch list and the announcement', () => {
  const base = { channel: 'C0ALERTS', subscriptions: [], mutes: [], now: '2026-11-27T10:00:00.000Z' };

  it('shows the default policy as the default', () => {
    const reply = renderChannelSettings({
      ...base,
      escalation: { policy: { severity: 'critical', afterMs: 15 * MIN, targets: [{ kind: 'here' }] } },
    });
    expect(reply.text).toContain(
      '⏰ critical alerts nobody acknowledged after 15 min go to <!here>, then after 30 min to <!here> (the default',
    );
  });

  it('shows a configured policy with who set it, and off', () => {
    const configured = renderChannelSettings({
      ...base,
      escalation: {
        policy: {
          severity: 'warning',
          afterMs: 10 * MIN,
          targets: [
            { kind: 'usergroup', id: 'S0ONCALL' },
            { kind: 'user', id: 'U0LEAD' },
          ],
        },
        setBy: 'U0ADMIN',
        setAt: base.now,
      },
    });
    expect(configured.text).toContain(
      'warning and critical alerts nobody acknowledged after 10 min go to <!subteam^S0ONCALL>, then after 20 min to <@U0LEAD> — by <@U0ADMIN>',
    );
    const off = renderChannelSettings({ ...base, escalation: { policy: null, setBy: 'U0ADMIN' } });
    expect(off.text).toContain('⏰ off: no alert is escalated');
  });

  it('announces a policy in the channel without pinging a user group or @here', () => {
    const announcement = renderEscalationAnnouncement({
      userId: 'U0ADMIN',
      policy: {
        severity: 'critical',
        afterMs: 15 * MIN,
        targets: [{ kind: 'usergroup', id: 'S0ONCALL' }, { kind: 'here' }],
      },
    });
    expect(announcement.text).not.toMatch(/<!/);
    expect(announcement.text).toContain('the user group `S0ONCALL`');
    expect(announcement.text).toContain('then after 30 min to @here');
  });
});
