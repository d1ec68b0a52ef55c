import type { types } from '@slack/bolt';
import { toLine } from '../../src/changes/burst';
import { describeChange } from '../../src/changes/describe';
import type { AlertContent, ChangeLine } from '../../src/model/alert';
import type { Change } from '../../src/model/change';
import type { Severity } from '../../src/model/severity';
import { type InvestigateModalInput, renderInvestigateModal, SLACK_LIMITS, VIEW_IDS } from '../../src/views';
import { builtInCatalog } from '../../src/watches';
import { assertOnlyOwnMarkup } from '../helpers/block-kit';
import { loadCloudTrailFixture } from '../helpers/cloudtrail-fixtures';
import { burstOf, sshOpenToWorld } from './changes';
import { allText, assertValidModal, HOSTILE, modalAsMessage, sectionTexts } from './view-assertions';

const NOW = '2020-04-30T07:45:52Z';
const SSH_FIXTURE = 'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json';

/** The ssh-open-world corpus event as received (compact JSON) and described. */
function sshEvent(): { change: Change; raw: string } {
  const event = loadCloudTrailFixture(SSH_FIXTURE);
  return { change: describeChange(event, builtInCatalog), raw: JSON.stringify(event) };
}

function single(change: Change): AlertContent {
  return {
    id: 'a1b2c3d4e5f6a7b8c9d0e1f2',
    channel: 'C0123456789',
    watch: change.watch,
    lead: change,
    lines: [toLine(change)],
    severity: change.severity,
    status: 'open',
  };
}

/** Other changes by the same actor, from other corpus events, at the given times. */
function relatedLines(times: readonly string[]): ChangeLine[] {
  const files = ['ec2.CreateSecurityGroup.json', 'ec2.RevokeSecurityGroupIngress.json', 'ec2.CreateVpc.json'];
  return times.map((time, index) => {
    const change = describeChange(loadCloudTrailFixture(files[index % files.length] ?? ''), builtInCatalog);
    return { ...toLine(change), id: `related-${index}`, time };
  });
}

function input(overrides: Partial<InvestigateModalInput> = {}): InvestigateModalInput {
  const { change, raw } = sshEvent();
  return {
    content: single(change),
    raw,
    related: [],
    now: NOW,
    watchTitle: 'Security groups',
    accountAlias: { '112233445566': 'prod' },
    ...overrides,
  };
}

function assertValid(view: types.ModalView): void {
  assertValidModal(view);
  assertOnlyOwnMarkup(modalAsMessage(view));
}

/** The raw-event code blocks read back as text: fences removed, entities decoded. */
function shownRaw(view: types.ModalView): string {
  return sectionTexts(view.blocks)
    .filter((text) => text.startsWith('```'))
    .map((text) => text.slice(3, -3).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
    .join('');
}

describe('renderInvestigateModal', () => {
  it('renders a corpus event', () => {
    // Prepare
    const related = relatedLines(['2020-04-30T03:10:00Z', '2020-04-30T05:02:11Z']);

    // Act
    const view = renderInvestigateModal(input({ related }));

    // Assess
    assertValid(view);
    expect(view).toMatchSnapshot();
  });

  it('is a read-only modal with its callback id, a short title and a close button', () => {
    const view = renderInvestigateModal(input());
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe('infrawatch_investigate_modal');
    expect(view.callback_id).toBe(VIEW_IDS.investigateModal);
    expect(view.title).toEqual({ type: 'plain_text', text: 'Investigate' });
    expect(view.close).toEqual({ type: 'plain_text', text: 'Close' });
    expect(view.submit).toBeUndefined();
    expect(view.blocks.some((block) => block.type === 'input' || block.type === 'actions')).toBe(false);
  });

  it('describes the change in full: who with ARN, account and alias, region, when and age, tool, IP, agent', () => {
    const view = renderInvestigateModal(input());
    const text = allText(modalAsMessage(view));
    expect(view.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 Security groups: AuthorizeSecurityGroupIngress' },
    });
    for (const expected of [
      'role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1\n✅ Succeeded\n*Severity:* 🔴 Critical',
      '*Who*\nrole/Operator (session ryan@example.com)',
      'ARN `arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com`',
      '*Account*\nprod (112233445566)',
      '*Region*\nus-east-1',
      // 04:40:52 to 07:45:52.
      '*When*\n<!date^1588221652^{date_short_pretty} at {time}|2020-04-30 04:40 UTC>\n_3 h 5 min ago_',
      '*Tool*\nAWS SDK',
      '*Source IP*\n100.1.114.142',
      '*Identity type*\nAssumedRole',
      '*User agent*\n`aws-sdk-go/1.24.1 (go1.14; darwin; amd64)`',
      '*Why critical*\n• tcp/22 (SSH) is open to the whole internet',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('lists every detail and resource with console links, and links the CloudTrail event', () => {
    const { change, raw } = sshEvent();
    change.resources = Array.from({ length: 9 }, (_, i) => ({ type: 'security-group', id: `sg-${i}` }));
    const text = allText(modalAsMessage(renderInvestigateModal(input({ content: single(change), raw }))));
    expect(text).toContain('*What changed*');
    expect(text).toContain('*Resources (9)*');
    for (let i = 0; i < 9; i++) {
      expect(text).toContain(
        `• security group <https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=sg-${i}|sg-${i}>`,
      );
    }
    expect(text).toContain(
      `🔗 <https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${change.id}|CloudTrail event>`,
    );
  });

  it('says when the call was denied', () => {
    const event = loadCloudTrailFixture('ec2.RunInstances.unauthorized.json');
    const change = describeChange(event, builtInCatalog);
    const view = renderInvestigateModal(input({ content: single(change), raw: JSON.stringify(event) }));
    assertValid(view);
    expect(JSON.stringify(view.blocks[0])).toContain('(denied)');
    expect(allText(modalAsMessage(view))).toContain('⛔ *Denied*');
  });

  it('shows who acknowledged or who is investigating', () => {
    const content = single(sshEvent().change);
    content.investigation = { userId: 'U0BOB', userName: 'bob', at: NOW };
    expect(allText(modalAsMessage(renderInvestigateModal(input({ content }))))).toContain(
      '🔎 Investigating: <@U0BOB>',
    );
    content.acknowledgement = {
      userId: 'U0ALICE',
      userName: 'alice',
      at: '2020-04-30T04:47:00Z',
      note: 'ok',
    };
    const text = allText(modalAsMessage(renderInvestigateModal(input({ content }))));
    expect(text).toContain('✅ Acknowledged by <@U0ALICE> · 6 min after the change');
    expect(text).toContain('📝 ok');
    expect(text).not.toContain('Investigating');
  });

  describe('the actor’s other changes in the last 24 hours', () => {
    it('says so when there are none', () => {
      const sections = sectionTexts(renderInvestigateModal(input()).blocks);
      expect(sections).toContain(
        '*Other changes by this actor in the last 24 hours*\nNo other changes by this actor in the last 24 hours.',
      );
    });

    it('lists them newest first with a local time, a severity marker and the summary', () => {
      // Prepare: given oldest first, as the store returns them.
      const related = relatedLines(['2020-04-30T01:00:00Z', '2020-04-30T03:00:00Z']);
      related[0] = { ...(related[0] as ChangeLine), severity: 'warning', summary: 'first' };
      related[1] = { ...(related[1] as ChangeLine), severity: 'info', summary: 'second' };

      // Act
      const sections = sectionTexts(renderInvestigateModal(input({ related })).blocks);

      // Assess
      expect(sections).toContain(
        [
          '*Other changes by this actor in the last 24 hours* (2), newest first',
          '• <!date^1588215600^{date_short_pretty} at {time}|2020-04-30 03:00 UTC> 🔵 second',
          '• <!date^1588208400^{date_short_pretty} at {time}|2020-04-30 01:00 UTC> 🟠 first',
        ].join('\n'),
      );
    });

    it('leaves out the changes of this alert', () => {
      const content = single(sshEvent().change);
      const related = [toLine(content.lead), ...relatedLines(['2020-04-30T01:00:00Z'])];
      const text = sectionTexts(renderInvestigateModal(input({ content, related })).blocks).join('\n');
      expect(text).toContain('*Other changes by this actor in the last 24 hours* (1), newest first');
    });
  });

  describe('a burst', () => {
    function mixedBurst(count: number): AlertContent {
      const severityAt = (i: number): Severity =>
        i % 10 === 0 ? 'critical' : i % 3 === 0 ? 'warning' : 'info';
      return burstOf(sshOpenToWorld(), count, (index) => ({
        severity: severityAt(index),
        ...(index > 0 ? { summary: `change ${index} (${severityAt(index)})` } : {}),
      }));
    }

    it('lists the other changes most severe first, each linked to its CloudTrail event', () => {
      // Prepare: stored order reversed, so the order comes from severity, not from the input.
      const content = mixedBurst(12);
      content.lines.reverse();

      // Act
      const view = renderInvestigateModal(input({ content, raw: sshEvent().raw }));

      // Assess
      assertValid(view);
      const list = sectionTexts(view.blocks).find((text) => text.startsWith('*Other changes in this alert'));
      const lines = list?.split('\n') ?? [];
      expect(lines[0]).toBe('*Other changes in this alert (11)*, most severe first');
      expect(lines).toHaveLength(12);
      expect(lines[1]).toMatch(
        /^• 🔴 <!date\^\d+\^[^|]+\|[^>]+> <https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=us-east-1#\/events\/42155429-7e8e-43b5-9b5e-6953f80d51d5-10\|AuthorizeSecurityGroupIngress> change 10 \(critical\)$/,
      );
      expect(lines.slice(2, 5).every((line) => line.startsWith('• 🟠'))).toBe(true);
      expect(lines.slice(5).every((line) => line.startsWith('• 🔵'))).toBe(true);
      expect(allText(modalAsMessage(view))).toContain('This alert holds 12 changes by this actor');
    });

    it('links every console page through the IAM Identity Center access portal when configured', () => {
      // Prepare
      const content = mixedBurst(3);
      const consoleAccess = { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' };
      const portal = `<https://d-1234567890.awsapps.com/start/#/console?account_id=${content.lead.account}&amp;role_name=ReadOnly&amp;destination=https%3A%2F%2F`;

      // Act
      const view = renderInvestigateModal(input({ content, consoleAccess }));

      // Assess: the lead's event and resource, and the two other changes of the burst, all through the portal.
      assertValid(view);
      const links = allText(modalAsMessage(view)).match(/<https:[^|>]*/g) ?? [];
      expect(links.length).toBeGreaterThanOrEqual(4);
      expect(links.every((found) => found.startsWith(portal))).toBe(true);
    });

    it('caps the list with “…and N more changes”', () => {
      const view = renderInvestigateModal(input({ content: mixedBurst(400) }));
      assertValid(view);
      const lists = sectionTexts(view.blocks).filter((text) =>
        /^(\*Other changes in this alert|• )/.test(text),
      );
      const listed = lists
        .join('\n')
        .split('\n')
        .filter((line) => line.startsWith('• ')).length;
      const more = /…and (\d+) more changes$/.exec(lists.at(-1) ?? '');
      expect(lists.length).toBeLessThanOrEqual(3);
      expect(Number(more?.[1])).toBe(399 - listed);
    });
  });

  describe('the raw event', () => {
    it('is pretty-printed in full when it fits', () => {
      const { raw } = sshEvent();
      const view = renderInvestigateModal(input({ raw }));
      expect(shownRaw(view)).toBe(JSON.stringify(JSON.parse(raw), null, 2));
      expect(allText(modalAsMessage(view))).not.toContain('not shown');
    });

    it('spreads a larger event over several code blocks, cut at line ends', () => {
      const event = loadCloudTrailFixture('ec2.RunInstances.root-invokedby-autoscaling.json');
      const change = describeChange(event, builtInCatalog);
      const raw = JSON.stringify(event);
      const view = renderInvestigateModal(input({ content: single(change), raw }));
      assertValid(view);
      const blocks = sectionTexts(view.blocks).filter((text) => text.startsWith('```'));
      expect(blocks.length).toBeGreaterThan(1);
      for (const block of blocks.slice(0, -1)) expect(block.endsWith('\n```')).toBe(true);
      expect(shownRaw(view)).toBe(JSON.stringify(JSON.parse(raw), null, 2));
    });

    it('is cut to fit, saying exactly how many characters were left out', () => {
      // Prepare: a 1 MB event full of characters that grow when escaped.
      const event = loadCloudTrailFixture(SSH_FIXTURE);
      (event.detail as Record<string, unknown>).requestParameters = { blob: '<&>'.repeat(350_000) };
      const raw = JSON.stringify(event);
      const pretty = JSON.stringify(JSON.parse(raw), null, 2);

      // Act
      const view = renderInvestigateModal(input({ raw }));

      // Assess
      assertValid(view);
      const shown = shownRaw(view);
      expect(pretty.startsWith(shown)).toBe(true);
      const note = allText(modalAsMessage(view)).match(/…([\d,]+) more characters of ([\d,]+) not shown/);
      expect(Number(note?.[1]?.replace(/,/g, ''))).toBe(pretty.length - shown.length);
      expect(Number(note?.[2]?.replace(/,/g, ''))).toBe(pretty.length);
    });

    it('is shown as stored when it is not JSON (cut to fit the item)', () => {
      const raw = JSON.stringify(loadCloudTrailFixture(SSH_FIXTURE)).slice(0, 500);
      const view = renderInvestigateModal(input({ raw }));
      assertValid(view);
      expect(shownRaw(view)).toBe(raw);
      expect(allText(modalAsMessage(view))).toContain('it is not valid JSON');
    });

    it('says when it was not stored', () => {
      const view = renderInvestigateModal(input({ raw: '' }));
      expect(sectionTexts(view.blocks)).toContain('*Raw event*\n_The raw event was not stored._');
    });

    it('cannot close its code block early or ping anyone', () => {
      const raw = JSON.stringify({ detail: { note: '``` <!channel> <https://evil.example|aws> & ```' } });
      const view = renderInvestigateModal(input({ raw }));
      assertValid(view);
      const block = sectionTexts(view.blocks).find((text) => text.startsWith('```')) ?? '';
      expect(block.match(/```/g)).toHaveLength(2);
      expect(block).toContain('ˋˋˋ &lt;!channel&gt; &lt;https://evil.example|aws&gt; &amp; ˋˋˋ');
    });
  });

  it('escapes hostile strings from the event everywhere', () => {
    // Prepare
    const { change, raw } = sshEvent();
    change.actor.display = `${HOSTILE.bold} ${HOSTILE.broadcast}`;
    change.actor.arn = `arn:aws:iam::112233445566:user/${HOSTILE.disguisedLink}`;
    change.summary = HOSTILE.all;
    change.userAgent = HOSTILE.all;
    change.sourceIp = HOSTILE.disguisedLink;
    change.reasons = [HOSTILE.all];
    change.details = [{ label: HOSTILE.bold, value: HOSTILE.all }];
    change.resources = [{ type: 'security-group', id: HOSTILE.disguisedLink }];
    const content = single(change);
    content.investigation = { userId: 'U1>|<!channel', userName: HOSTILE.broadcast, at: NOW };
    const related = relatedLines(['2020-04-30T01:00:00Z']).map((line) => ({
      ...line,
      summary: HOSTILE.all,
      eventName: HOSTILE.disguisedLink,
    }));

    // Act
    const view = renderInvestigateModal(input({ content, raw, related, watchTitle: HOSTILE.all }));

    // Assess
    assertValid(view);
    const text = allText(modalAsMessage(view));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('*Who*\n*bold* &lt;!channel&gt; look');
    // Inside our own bold, the label's asterisks become lookalikes.
    expect(text).toContain('• *∗bold∗* `x &lt;!channel&gt;');
    expect(text).toContain('🔎 Investigating: &lt;!channel&gt; look');
    // The resource id stays a link label, escaped, with `|` unable to end it.
    expect(text).toContain(
      'security group <https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=%3Chttps%3A%2F%2Fevil.example%7Caws.amazon.com%3E|&lt;https://evil.example∣aws.amazon.com&gt;>',
    );
  });

  // Found by the hostile-input fuzzer: indenting every level of a deeply nested event took seconds.
  it('shows deeply nested JSON as stored instead of indenting every level', () => {
    // Prepare
    const deep = `{"detail":${'['.repeat(3000)}"x"${']'.repeat(3000)}}`;

    // Act
    const view = renderInvestigateModal(input({ raw: deep }));

    // Assess
    assertValid(view);
    expect(shownRaw(view).startsWith('{"detail":[[[[')).toBe(true);
    expect(shownRaw(view)).not.toContain('\n  ');
  });

  it('stays within Slack’s modal limits whatever the input size', () => {
    // Prepare: every list and text far beyond what fits.
    const long = `${HOSTILE.all} ${'&<>'.repeat(3000)}`;
    const content = burstOf(sshOpenToWorld(), 2000, (index) => ({
      summary: `${index} ${long}`,
      eventName: `Event${index % 7}${'x'.repeat(200)}`,
      severity: index % 2 === 0 ? 'critical' : 'warning',
    }));
    const lead = content.lead;
    lead.summary = long;
    lead.actor.display = long;
    lead.actor.arn = long;
    lead.userAgent = long;
    lead.reasons = Array.from({ length: 300 }, () => long);
    lead.details = Array.from({ length: 80 }, (_, i) => ({ label: `${i} ${long}`, value: long }));
    lead.resources = Array.from({ length: 600 }, (_, i) => ({ type: 'iam-role', id: `role-${i}-${long}` }));
    lead.outcome = { ok: false, errorCode: long, errorMessage: long };
    const related = Array.from({ length: 3000 }, (_, i) => ({
      ...toLine(lead),
      id: `r${i}`,
      summary: `${i} ${long}`,
    }));
    const raw = JSON.stringify({ detail: { huge: long.repeat(300) } });

    // Act
    const view = renderInvestigateModal(
      input({ content, related, raw, watchTitle: long, accountAlias: long }),
    );

    // Assess
    assertValid(view);
    expect(view.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.modalBlocks);
    const text = allText(modalAsMessage(view));
    expect(text).toMatch(/…and [\d,]+ more changes/);
    expect(text).toMatch(/…and [\d,]+ more resources/);
    expect(text).toMatch(/…[\d,]+ more characters of [\d,]+ not shown/);
  });
});
