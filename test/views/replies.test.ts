import { COMMAND_USAGE } from '../../src/commands/parse';
import type { Mute } from '../../src/model/mute';
import type { Subscription } from '../../src/model/subscription';
import {
  muteTargetLabel,
  type RenderedMessage,
  renderChannelSettings,
  renderCommandError,
  renderDigestQueued,
  renderHelp,
  renderMuteAnnouncement,
  renderNotAllowed,
  renderSubscribed,
  renderSubscriptionAnnouncement,
  renderUnmuteAnnouncement,
  renderWatchesList,
  SLACK_LIMITS,
} from '../../src/views';
import { builtInCatalog } from '../../src/watches';
import { assertValidMessage } from '../helpers/block-kit';
import { allText, assertOnlyOwnMarkupInReply, HOSTILE, sectionTexts } from './view-assertions';

const CHANNEL = 'C0123456789';
const ALICE = 'U0ALICE1';
const NOW = '2026-11-27T15:00:00Z';

function assertValidReply(message: RenderedMessage): void {
  assertValidMessage(message);
  assertOnlyOwnMarkupInReply(message);
}

function mute(overrides: Partial<Mute> = {}): Mute {
  return {
    channel: CHANNEL,
    type: 'watch',
    value: 'iam',
    setBy: ALICE,
    setAt: '2026-11-27T14:40:00Z',
    expiresAt: '2026-11-27T16:40:00Z',
    ...overrides,
  };
}

function subscription(watch: string): Subscription {
  return { channel: CHANNEL, watch, setBy: ALICE, setAt: '2026-11-01T09:00:00Z' };
}

/** A reply's text and blocks say the same (the text is what a caller that adds a line shows). */
function expectTextMatchesBlocks(message: RenderedMessage): void {
  expect(message.text).toBe(sectionTexts(message.blocks).join('\n\n'));
}

describe('muteTargetLabel', () => {
  it('names targets the way /infrawatch mute takes them', () => {
    expect(muteTargetLabel({ type: 'watch', value: 'iam' })).toBe('iam');
    expect(muteTargetLabel({ type: 'actor', value: 'alice' })).toBe('actor:alice');
    expect(muteTargetLabel({ type: 'account', value: 'prod' })).toBe('account:prod');
  });
});

describe('renderHelp', () => {
  it('lists every command with its usage and an example', () => {
    const message = renderHelp();
    assertValidReply(message);
    expectTextMatchesBlocks(message);
    expect(message).toMatchSnapshot();
    const text = allText(message);
    for (const usage of COMMAND_USAGE) {
      expect(text).toContain(`\`/infrawatch ${usage.command}`);
      expect(text).toContain(`\`${usage.example}\``);
    }
    // The grammar's angle brackets are shown, not parsed as Slack markup.
    expect(text).toContain('`/infrawatch subscribe &lt;watch…|all&gt;`');
    expect(text).toContain('_Example:_ `/infrawatch mute actor:terraform-ci account:123456789012 for 2h`');
  });
});

describe('renderWatchesList', () => {
  it('lists the catalog: title, id, description and aliases', () => {
    const message = renderWatchesList(builtInCatalog.watches);
    assertValidReply(message);
    expect(message).toMatchSnapshot();
    expect(allText(message)).toContain(
      '*Security groups* `security-groups`\nSecurity groups created or deleted, ingress/egress rules authorized, revoked or modified, and the managed prefix lists rules refer to.\n_Also:_ `sg`, `sgs`, `security-group`, `securitygroups`, `firewall`',
    );
  });

  it('escapes a hostile custom watch and stays within limits for a huge catalog', () => {
    const watches = Array.from({ length: 600 }, (_, index) => ({
      id: `custom-${index}`,
      aliases: Array.from({ length: 50 }, (_, a) => `${HOSTILE.disguisedLink}-${a}`),
      title: `${HOSTILE.bold} ${HOSTILE.broadcast}`,
      description: HOSTILE.all.repeat(200),
    }));
    const message = renderWatchesList(watches);
    assertValidReply(message);
    const text = allText(message);
    expect(text).toContain('*∗bold∗ &lt;!channel&gt; look* `custom-0`');
    expect(text).toMatch(/…and [\d,]+ more watches/);
    expect(text).toMatch(/…and [\d,]+ more aliases/);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  });

  it('says when there is nothing to subscribe to', () => {
    expect(renderWatchesList([]).text).toBe(
      'There are no watches yet: add one to the catalog, then subscribe to it.',
    );
  });
});

describe('renderChannelSettings', () => {
  it('shows the subscriptions and the active mutes, who set them and when mutes end', () => {
    // Prepare
    const message = renderChannelSettings({
      channel: CHANNEL,
      subscriptions: [subscription('s3'), subscription('security-groups')],
      mutes: [
        mute({
          type: 'actor',
          value: 'terraform-ci',
          account: '111111111111',
          expiresAt: '2026-11-28T15:00:00Z',
        }),
        mute(),
        mute({ type: 'account', value: 'prod', expiresAt: '2026-11-27T14:59:00Z' }),
      ],
      now: NOW,
    });

    // Assess
    assertValidReply(message);
    expectTextMatchesBlocks(message);
    expect(message).toMatchSnapshot();
    expect(sectionTexts(message.blocks)).toEqual([
      [
        `*Subscriptions of <#${CHANNEL}>*`,
        `• \`s3\` — by <@${ALICE}>, <!date^1793523600^{date_short_pretty} at {time}|2026-11-01 09:00 UTC>`,
        `• \`security-groups\` — by <@${ALICE}>, <!date^1793523600^{date_short_pretty} at {time}|2026-11-01 09:00 UTC>`,
      ].join('\n'),
      [
        // The mute that ended a minute ago is not active any more.
        '*Active mutes (2)*',
        `• \`iam\` — by <@${ALICE}>, until <!date^1795797600^{date_short_pretty} at {time}|2026-11-27 16:40 UTC> (in 1 h 40 min)`,
        `• \`actor:terraform-ci account:111111111111\` — by <@${ALICE}>, until <!date^1795878000^{date_short_pretty} at {time}|2026-11-28 15:00 UTC> (in 1 d)`,
      ].join('\n'),
    ]);
  });

  it('says that a name mute stored before mutes were scoped to accounts silences nothing', () => {
    const message = renderChannelSettings({
      channel: CHANNEL,
      subscriptions: [],
      mutes: [mute({ type: 'actor', value: 'terraform-ci' })],
      now: NOW,
    });

    expect(sectionTexts(message.blocks)[1]).toBe(
      [
        '*Active mutes (1)*',
        `• \`actor:terraform-ci\` — by <@${ALICE}>, until <!date^1795797600^{date_short_pretty} at {time}|2026-11-27 16:40 UTC> (in 1 h 40 min) — set before name mutes were limited to an account, so it silences nothing; mute the name again with its account`,
      ].join('\n'),
    );
  });

  it('says so when the channel gets no alerts and nothing is muted, and names "all"', () => {
    const empty = sectionTexts(
      renderChannelSettings({ channel: CHANNEL, subscriptions: [], mutes: [], now: NOW }).blocks,
    );
    expect(empty[0]).toBe(
      `*Subscriptions of <#${CHANNEL}>*\n<#${CHANNEL}> gets no alerts. \`/infrawatch subscribe all\` posts every alert here; \`/infrawatch watches\` lists what you can choose from.`,
    );
    expect(empty[1]).toBe('*Active mutes (0)*\nNothing is muted.');
    const all = sectionTexts(
      renderChannelSettings({
        channel: CHANNEL,
        subscriptions: [subscription('iam'), subscription('all')],
        mutes: [],
        now: NOW,
      }).blocks,
    );
    expect(all[0]?.split('\n')[1]).toMatch(/^• \*All watches\* — by /);
  });

  it('escapes hostile values and stays within limits with thousands of entries', () => {
    const message = renderChannelSettings({
      channel: '<!channel>',
      subscriptions: Array.from({ length: 2000 }, (_, i) => ({
        ...subscription(`${HOSTILE.all}-${i}`),
        setBy: HOSTILE.broadcast,
      })),
      mutes: Array.from({ length: 2000 }, (_, i) =>
        mute({ type: 'actor', value: `${HOSTILE.all}-${i}`, setBy: 'U1>|<!channel' }),
      ),
      now: NOW,
    });
    assertValidReply(message);
    const text = allText(message);
    expect(text).toContain('*Subscriptions of this channel*');
    expect(text).toMatch(/…and [\d,]+ more subscriptions/);
    expect(text).toMatch(/…and [\d,]+ more mutes/);
    expect(text).toContain('— by &lt;!channel&gt; look,');
    expect(text).toContain('— by U1&gt;|&lt;!channel,');
  });
});

describe('renderCommandError', () => {
  it('escapes the message and points to the help', () => {
    const message = renderCommandError(`Unknown watch '${HOSTILE.broadcast}' ${HOSTILE.disguisedLink}.`);
    assertValidReply(message);
    expect(message.text).toBe(
      "⚠️ Unknown watch '&lt;!channel&gt; look' &lt;https://evil.example|aws.amazon.com&gt;.\n`/infrawatch help` lists every command.",
    );
  });

  it('does not repeat a hint the parser already gave', () => {
    expect(renderCommandError("Unknown command 'sub'. Try `/infrawatch help`.").text).toBe(
      "⚠️ Unknown command 'sub'. Try `/infrawatch help`.",
    );
  });

  it('cuts a huge message', () => {
    const message = renderCommandError('<'.repeat(100_000));
    assertValidReply(message);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });
});

describe('renderSubscribed', () => {
  it('says what changed and what already was so', () => {
    const base = { userId: ALICE, channel: CHANNEL };
    expect(
      renderSubscribed({
        ...base,
        action: 'subscribe',
        watches: ['security-groups', 'ec2'],
        unchanged: ['iam'],
      }).text,
    ).toBe(
      `✅ <#${CHANNEL}> now gets alerts for \`security-groups\`, \`ec2\`.\n<#${CHANNEL}> already gets alerts for \`iam\`.`,
    );
    expect(renderSubscribed({ ...base, action: 'subscribe', watches: [], unchanged: ['iam'] }).text).toBe(
      `Nothing changed: <#${CHANNEL}> already gets alerts for \`iam\`.`,
    );
    expect(renderSubscribed({ ...base, action: 'unsubscribe', watches: ['s3'] }).text).toBe(
      `✅ <#${CHANNEL}> no longer gets alerts for \`s3\`.`,
    );
    expect(renderSubscribed({ ...base, action: 'unsubscribe', watches: [], unchanged: ['ec2'] }).text).toBe(
      `Nothing changed: <#${CHANNEL}> was not subscribed to \`ec2\`.`,
    );
    expect(renderSubscribed({ ...base, action: 'unsubscribe', watches: [] }).text).toBe('Nothing changed.');
  });

  it('stays within limits for every watch of a huge catalog', () => {
    const watches = Array.from({ length: 3000 }, (_, i) => `${HOSTILE.all}-${i}`);
    const message = renderSubscribed({ userId: ALICE, channel: CHANNEL, action: 'subscribe', watches });
    assertValidReply(message);
    expect(message.text).toMatch(/…and [\d,]+ more watches/);
  });
});

describe('renderSubscriptionAnnouncement', () => {
  it('tells the channel who changed its subscriptions', () => {
    expect(
      renderSubscriptionAnnouncement({
        userId: ALICE,
        action: 'subscribe',
        watches: ['security-groups', 'ec2'],
      }).text,
    ).toBe(`🔔 <@${ALICE}> subscribed this channel to \`security-groups\`, \`ec2\`.`);
    expect(
      renderSubscriptionAnnouncement({ userId: ALICE, action: 'unsubscribe', watches: ['s3'] }).text,
    ).toBe(`🔕 <@${ALICE}> unsubscribed this channel from \`s3\`.`);
  });
});

describe('renderMuteAnnouncement', () => {
  it('says who muted what, for how long and until when, in the reader’s time zone', () => {
    const message = renderMuteAnnouncement({ mutes: [mute()], now: '2026-11-27T14:40:00Z' });
    assertValidReply(message);
    expectTextMatchesBlocks(message);
    expect(message.text).toBe(
      `🔇 <@${ALICE}> muted \`iam\` for 2 h — until <!date^1795797600^{time}|16:40 UTC>. \`/infrawatch unmute iam\` lifts it.`,
    );
  });

  it('names actor and account targets with their prefix, the accounts of a name, and the day of a long mute', () => {
    const actor = renderMuteAnnouncement({
      mutes: [
        mute({
          type: 'actor',
          value: 'terraform-ci',
          account: '111111111111',
          expiresAt: '2026-11-30T14:40:00Z',
        }),
      ],
      now: NOW,
    });
    expect(actor.text).toBe(
      `🔇 <@${ALICE}> muted \`actor:terraform-ci\` in account \`111111111111\` only (the same name in other accounts still alerts) for 3 d — until <!date^1796049600^{date_short_pretty} at {time}|2026-11-30 14:40 UTC>. \`/infrawatch unmute actor:terraform-ci account:111111111111\` lifts it.`,
    );
    const twoAccounts = renderMuteAnnouncement({
      mutes: ['111111111111', 'prod'].map((account) =>
        mute({ type: 'actor', value: 'terraform-ci', account }),
      ),
      now: NOW,
    });
    expect(twoAccounts.text).toContain(
      'muted `actor:terraform-ci` in accounts `111111111111`, `prod` only (the same name in other accounts still alerts)',
    );
    expect(twoAccounts.text).toContain(
      '`/infrawatch unmute actor:terraform-ci account:111111111111 account:prod`',
    );
    const byArn = renderMuteAnnouncement({
      mutes: [mute({ type: 'actor', value: 'arn:aws:iam::111111111111:user/terraform-ci' })],
      now: NOW,
    });
    expect(byArn.text).toContain('muted `actor:arn:aws:iam::111111111111:user/terraform-ci` for ');
    const account = renderMuteAnnouncement({
      mutes: [mute({ type: 'account', value: 'prod', expiresAt: '2026-11-27T16:10:00Z' })],
      now: NOW,
    });
    expect(account.text).toContain(
      'muted `account:prod` for 1 h 30 min — until <!date^1795795800^{time}|16:10 UTC>',
    );
  });

  it('escapes a hostile actor name', () => {
    const message = renderMuteAnnouncement({
      mutes: [mute({ type: 'actor', value: HOSTILE.all, setBy: 'U1>|<!channel' })],
      now: NOW,
    });
    assertValidReply(message);
    expect(message.text.startsWith('🔇 U1&gt;|&lt;!channel muted `actor:x &lt;!channel&gt;')).toBe(true);
  });
});

describe('renderUnmuteAnnouncement', () => {
  it('tells the channel a mute was lifted, or the user that there was none', () => {
    expect(
      renderUnmuteAnnouncement({ target: { type: 'actor', value: 'alice' }, userId: ALICE, existed: true })
        .text,
    ).toBe(`🔔 <@${ALICE}> unmuted \`actor:alice\`: its alerts are posted here again.`);
    expect(
      renderUnmuteAnnouncement({ target: { type: 'watch', value: 'iam' }, userId: ALICE, existed: false })
        .text,
    ).toBe('`iam` was not muted in this channel, so nothing changed.');
  });
});

describe('renderNotAllowed and renderDigestQueued', () => {
  it('say what they must', () => {
    expect(renderNotAllowed('unsubscribe or mute').text).toBe(
      'Only InfraWatch admins can unsubscribe or mute in this workspace.',
    );
    expect(renderNotAllowed(HOSTILE.broadcast).text).toBe(
      'Only InfraWatch admins can &lt;!channel&gt; look in this workspace.',
    );
    expect(renderDigestQueued().text).toBe('Building the digest for this channel…');
    assertValidReply(renderDigestQueued());
  });
});
