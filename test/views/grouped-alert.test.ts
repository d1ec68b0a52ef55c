import type { types } from '@slack/bolt';
import type { ChangeLine } from '../../src/model/alert';
import type { Severity } from '../../src/model/severity';
import { renderAlert, renderAlertContent, renderGroupedAlert, SLACK_LIMITS } from '../../src/views';
import { assertOnlyOwnMarkup, assertValidMessage, mrkdwnTexts } from '../helpers/block-kit';
import { burstOf, sshOpenToWorld } from './changes';

const OPTIONS = { watchTitle: 'Security groups', accountAlias: { '112233445566': 'prod' } };
const ACK = { userId: 'U0123ABCD', userName: 'alice', at: '2020-04-30T04:47:00Z' };
const EVENT_NAMES = ['AuthorizeSecurityGroupIngress', 'CreateSecurityGroup', 'RevokeSecurityGroupIngress'];

/** 37 changes over 2 min 24 s: critical every 10th, warning every 3rd, the rest info. */
function mixedBurst(count = 37, step = 4) {
  const severityAt = (index: number): Severity =>
    index % 10 === 0 ? 'critical' : index % 3 === 0 ? 'warning' : 'info';
  return burstOf(sshOpenToWorld(), count, (index) => {
    const start = Date.parse('2020-04-30T04:40:52Z');
    const at = new Date(start + index * step * 1000).toISOString().replace('.000Z', 'Z');
    const line: Partial<ChangeLine> = {
      severity: severityAt(index),
      eventName: EVENT_NAMES[index % 3] ?? 'X',
      time: at,
      resources: [{ type: 'security-group', id: `sg-${index}` }],
    };
    // The first line is the lead's own (its real summary).
    if (index > 0) line.summary = `change ${index} (${severityAt(index)}) at ${at}`;
    return line;
  });
}

function allText(message: { text: string; blocks: readonly unknown[] }): string {
  return mrkdwnTexts(message).join('\n');
}

function actionsOf(blocks: readonly types.KnownBlock[]): types.ActionsBlock | undefined {
  return blocks.find((block): block is types.ActionsBlock => block.type === 'actions');
}

describe('renderGroupedAlert', () => {
  it('renders a burst', () => {
    // Act
    const message = renderGroupedAlert(mixedBurst(), OPTIONS);

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    expect(message).toMatchSnapshot();
  });

  it('says who made how many changes on which watch, where and over how long', () => {
    // Act
    const message = renderGroupedAlert(mixedBurst(), OPTIONS);

    // Assess
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: '🔴 role/Operator (session ryan@example.com) made 37 changes (Security groups) in us-east-1 over 2 min',
      },
    });
    expect(message.text).toBe(
      'Critical: role/Operator (session ryan@example.com) made 37 changes (Security groups) in us-east-1 over 2 min. Most severe: role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1',
    );
  });

  it('names several regions, or counts them', () => {
    const two = mixedBurst();
    two.lines = two.lines.map((line, index) => ({
      ...line,
      region: index % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    }));
    expect(JSON.stringify(renderGroupedAlert(two).blocks[0])).toContain('in eu-west-1, us-east-1 over 2 min');
    // Each resource is linked in the console of its own change's region.
    expect(allText(renderGroupedAlert(two))).toContain(
      'security group <https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:securityGroupId=sg-3|sg-3>',
    );
    const many = mixedBurst();
    many.lines = many.lines.map((line, index) => ({ ...line, region: `eu-west-${index % 4}` }));
    expect(JSON.stringify(renderGroupedAlert(many).blocks[0])).toContain('in 4 regions over 2 min');
    expect(allText(renderGroupedAlert(many))).toContain(
      '*Regions*\neu-west-0, eu-west-1, eu-west-2, eu-west-3',
    );
  });

  it('lists critical changes first, then warnings, and counts the rest by event name', () => {
    // Act
    const message = renderGroupedAlert(mixedBurst(), OPTIONS);
    const texts = message.blocks.flatMap((block) =>
      block.type === 'section' && block.text !== undefined ? [block.text.text] : [],
    );

    // Assess
    const critical = texts.findIndex((text) => text.startsWith('*🔴 Critical changes (4)*'));
    const warnings = texts.findIndex((text) => text.startsWith('*🟠 Warnings (11)*'));
    const rest = texts.findIndex((text) => text.startsWith('*Also in this burst (22):*'));
    expect([critical, warnings, rest].every((index) => index > 0)).toBe(true);
    expect(critical).toBeLessThan(warnings);
    expect(warnings).toBeLessThan(rest);
    expect(texts[critical]?.split('\n')).toEqual([
      '*🔴 Critical changes (4)*',
      '• `AuthorizeSecurityGroupIngress` role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1',
      '• `CreateSecurityGroup` change 10 (critical) at 2020-04-30T04:41:32Z',
      '• `RevokeSecurityGroupIngress` change 20 (critical) at 2020-04-30T04:42:12Z',
      '• `AuthorizeSecurityGroupIngress` change 30 (critical) at 2020-04-30T04:42:52Z',
    ]);
    // Info lines are indices 1..36 that are neither multiples of 10 nor of 3; ties sort by name.
    expect(texts[rest]).toBe(
      '*Also in this burst (22):* 11× CreateSecurityGroup, 11× RevokeSecurityGroupIngress',
    );
  });

  it('lists critical changes even when the stored order puts them last', () => {
    // Prepare
    const alert = mixedBurst();
    alert.lines.reverse();

    // Act
    const text = allText(renderGroupedAlert(alert));

    // Assess
    expect(text.indexOf('*🔴 Critical changes (4)*')).toBeLessThan(text.indexOf('*🟠 Warnings (11)*'));
    for (const index of [10, 20, 30]) expect(text).toContain(`change ${index} (critical)`);
  });

  it('names the most severe change of an all-info burst', () => {
    const lead = { ...sshOpenToWorld(), severity: 'info' as const };
    const alert = burstOf(lead, 5);
    const message = renderGroupedAlert(alert);
    expect(allText(message)).toContain('🔵 5 info\n*Most severe:* role/Operator');
    expect(allText(message)).toContain('*Changes (5):* 5× AuthorizeSecurityGroupIngress');
  });

  it('shows the lead change fields with the span of the burst', () => {
    const fields = renderGroupedAlert(mixedBurst(), OPTIONS).blocks.find(
      (block): block is types.SectionBlock => block.type === 'section' && block.fields !== undefined,
    );
    expect(fields?.fields?.map((field) => field.text)).toEqual([
      '*Who*\nrole/Operator (session ryan@example.com)\n_no MFA_',
      '*Account*\nprod (112233445566)',
      '*Region*\nus-east-1',
      '*When*\n<!date^1588221652^{date_short_pretty} at {time}|2020-04-30 04:40 UTC> to <!date^1588221796^{time}|2020-04-30 04:43 UTC>',
      '*Tool*\nAWS SDK',
      '*Source IP*\n100.1.114.142',
    ]);
  });

  it('links the lead event and the resources through the IAM Identity Center access portal when configured', () => {
    // Prepare
    const alert = mixedBurst(5);
    const consoleAccess = { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' };
    // Act
    const message = renderGroupedAlert(alert, { ...OPTIONS, consoleAccess });
    // Assess
    assertOnlyOwnMarkup(message);
    const links = allText(message).match(/<https:[^|>]*/g) ?? [];
    expect(links.length).toBeGreaterThanOrEqual(2);
    const portal = `<https://d-1234567890.awsapps.com/start/#/console?account_id=${alert.lead.account}&amp;role_name=ReadOnly&amp;destination=`;
    expect(links.every((found) => found.startsWith(portal))).toBe(true);
  });

  it('offers one Acknowledge for all changes, with the alert id', () => {
    const actions = actionsOf(renderGroupedAlert(mixedBurst()).blocks);
    expect(actions?.elements[0]).toMatchObject({
      action_id: 'infrawatch_ack',
      value: 'a1b2c3d4e5f6a7b8c9d0e1f2',
      text: { text: 'Acknowledge all 37' },
      style: 'primary',
    });
    const overridden = actionsOf(renderGroupedAlert(mixedBurst(), { alertId: 'other-id' }).blocks);
    expect(overridden?.elements[1]).toMatchObject({ value: 'other-id' });
    expect(actions?.elements.map((element) => element.action_id)).toEqual([
      'infrawatch_ack',
      'infrawatch_investigate',
      'infrawatch_more',
    ]);
  });

  it('says the acknowledgement covers every change and drops the buttons', () => {
    // Prepare
    const alert = {
      ...mixedBurst(),
      status: 'acknowledged' as const,
      acknowledgement: { ...ACK, note: 'planned' },
    };

    // Act
    const message = renderGroupedAlert(alert, OPTIONS);

    // Assess
    assertValidMessage(message);
    expect(actionsOf(message.blocks)).toBeUndefined();
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '✅ Acknowledged by <@U0123ABCD> · 6 min after the first change · covers all 37 changes',
          verbatim: true,
        },
        { type: 'mrkdwn', text: '📝 planned', verbatim: true },
      ],
    });
    expect(JSON.stringify(message.blocks[0])).toContain('🔴');
    expect(message).toMatchSnapshot();
  });

  it('keeps the buttons while someone investigates', () => {
    const alert = {
      ...mixedBurst(),
      status: 'investigating' as const,
      investigation: { userId: 'U0999BBBB', userName: 'bob', at: '2020-04-30T04:44:00Z' },
    };
    const message = renderGroupedAlert(alert);
    expect(allText(message)).toContain('🔎 Investigating: <@U0999BBBB>');
    expect(
      actionsOf(message.blocks)?.elements.map((e) => ('action_id' in e ? e.action_id : undefined)),
    ).toEqual(['infrawatch_ack', 'infrawatch_investigate', 'infrawatch_more']);
  });

  it('shows no buttons for an alert stored as acknowledged without its acknowledgement', () => {
    const message = renderGroupedAlert({ ...mixedBurst(), status: 'acknowledged' });
    expect(actionsOf(message.blocks)).toBeUndefined();
    expect(allText(message)).toContain('✅ Acknowledged · covers all 37 changes');
    const single = renderGroupedAlert({ ...burstOf(sshOpenToWorld(), 1), status: 'acknowledged' });
    expect(actionsOf(single.blocks)).toBeUndefined();
    expect(single.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '✅ Acknowledged', verbatim: true }],
    });
  });
});

describe('renderGroupedAlert with one change', () => {
  it('gives exactly the single-change alert', () => {
    // Prepare
    const alert = burstOf(sshOpenToWorld(), 1);

    // Act
    const grouped = renderGroupedAlert(alert, OPTIONS);

    // Assess
    expect(grouped).toEqual(renderAlert(alert.lead, { ...OPTIONS, alertId: alert.id }));
  });

  it('carries the acknowledgement and the investigation the same way', () => {
    const investigation = { userId: 'U0999BBBB', userName: 'bob', at: '2020-04-30T04:44:00Z' };
    const investigating = { ...burstOf(sshOpenToWorld(), 1), investigation };
    expect(renderGroupedAlert(investigating)).toEqual(
      renderAlert(investigating.lead, { alertId: investigating.id, investigation }),
    );
    const acknowledged = { ...burstOf(sshOpenToWorld(), 1), acknowledgement: ACK };
    expect(renderGroupedAlert(acknowledged, OPTIONS)).toEqual(
      renderAlert(acknowledged.lead, { ...OPTIONS, alertId: acknowledged.id, acknowledgement: ACK }),
    );
  });
});

describe('renderAlertContent', () => {
  it('renders single changes as alerts and bursts as grouped alerts', () => {
    const single = burstOf(sshOpenToWorld(), 1);
    expect(renderAlertContent(single, OPTIONS)).toEqual(
      renderAlert(single.lead, { ...OPTIONS, alertId: single.id }),
    );
    const burst = mixedBurst();
    expect(renderAlertContent(burst, OPTIONS)).toEqual(renderGroupedAlert(burst, OPTIONS));
    expect(JSON.stringify(renderAlertContent(burst).blocks[0])).toContain('made 37 changes');
  });
});

describe('renderGroupedAlert within Slack limits', () => {
  it('lists every critical change of a 500-change burst', () => {
    // Prepare
    const alert = burstOf(sshOpenToWorld(), 500, (index) => ({
      severity: 'critical',
      summary: `critical change number ${index} opened a port`,
    }));

    // Act
    const message = renderGroupedAlert(alert, OPTIONS);

    // Assess
    assertValidMessage(message);
    const text = allText(message);
    for (let index = 0; index < 500; index += 1) {
      expect(text).toContain(`critical change number ${index} opened a port`);
    }
    expect(text).not.toContain('counted below');
  });

  it('counts, explicitly, the critical changes that cannot fit in one message', () => {
    // Prepare: 3,000 critical changes are more than 50 blocks of 3,000 characters can list.
    const alert = burstOf(sshOpenToWorld(), 3000, (index) => ({
      severity: 'critical',
      summary: `critical change number ${index} ${'x'.repeat(200)}`,
    }));

    // Act
    const message = renderGroupedAlert(alert, OPTIONS);

    // Assess
    assertValidMessage(message);
    expect(message.blocks).toHaveLength(SLACK_LIMITS.messageBlocks);
    const text = allText(message);
    const listed = /…and ([\d,]+) more critical changes, counted below/.exec(text);
    expect(listed).not.toBeNull();
    const counted = Number(listed?.[1]?.replace(/,/g, ''));
    expect(text).toContain(`*Also in this burst (${counted}):* ${counted}× AuthorizeSecurityGroupIngress`);
    expect(text).toContain(
      `🔴 ${counted} critical changes did not fit in one Slack message and are only counted here`,
    );
    expect(
      actionsOf(message.blocks)?.elements.map((e) => ('action_id' in e ? e.action_id : undefined)),
    ).toEqual(['infrawatch_ack', 'infrawatch_investigate', 'infrawatch_more']);
  });

  it('survives hostile and oversized lines: 500 event names, 5,000-character actor and summaries', () => {
    // Prepare
    const lead = sshOpenToWorld();
    lead.actor.display = `role/x (session <!channel>${'s'.repeat(5000)})`;
    const alert = burstOf(lead, 500, (index) => ({
      severity: index % 50 === 0 ? 'warning' : 'info',
      eventName: `Event${index}<!here>`,
      summary: `<@U1> <https://evil.example|aws.amazon.com> ${'y'.repeat(5000)}`,
      region: `<!channel>-${index}`,
      resources: Array.from({ length: 10 }, (_, i) => ({ type: 'bucket', id: `<!channel>${index}-${i}` })),
    }));

    // Act
    const message = renderGroupedAlert(alert, { watchTitle: '<!here>'.repeat(100) });

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(JSON.stringify(header)).toContain('made 500 changes');
    const text = allText(message);
    expect(text).toMatch(/…and [\d,]+ more event names/);
    // 5,000 distinct resources: the first six are linked, and the count says "or more" past the 200 a summary
    // counts exactly (views/burst-summary.ts RESOURCE_KEYS_KEPT).
    expect(text).toContain('…and 194+ more resources');
  });
});
