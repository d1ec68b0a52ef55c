import type { types } from '@slack/bolt';
import {
  ACTION_IDS,
  ACTIONS_BLOCK_ID,
  AlertRenderError,
  alertRefValue,
  MAX_ALERT_ID_LENGTH,
  OVERFLOW_KINDS,
  OVERFLOW_OPTIONS,
  parseAckNoteMetadata,
  parseAlertRef,
  parseOverflowValue,
  renderAckNoteModal,
  renderAlert,
  SLACK_LIMITS,
} from '../../src/views';
import { assertOnlyOwnMarkup, assertValidMessage, mrkdwnTexts } from '../helpers/block-kit';
import { deniedIngress, publicBucketPolicy, sshOpenToWorld } from './changes';

const ALERT_ID = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const OPTIONS = {
  alertId: ALERT_ID,
  watchTitle: 'Security groups',
  accountAlias: { '112233445566': 'prod' },
};

function actionsOf(blocks: readonly types.KnownBlock[]): types.ActionsBlock | undefined {
  return blocks.find((block): block is types.ActionsBlock => block.type === 'actions');
}

function allText(message: { text: string; blocks: readonly unknown[] }): string {
  return mrkdwnTexts(message).join('\n');
}

describe('renderAlert', () => {
  it('renders an open alert', () => {
    // Act
    const message = renderAlert(sshOpenToWorld(), OPTIONS);

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    expect(message).toMatchSnapshot();
  });

  it('renders a policy detail as a code block', () => {
    const message = renderAlert(publicBucketPolicy(), { alertId: ALERT_ID, watchTitle: 'S3 bucket access' });
    assertValidMessage(message);
    expect(message).toMatchSnapshot();
  });

  it('puts the severity marker and the watch title in the header', () => {
    const header = renderAlert(sshOpenToWorld(), OPTIONS).blocks[0];
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 Security groups: AuthorizeSecurityGroupIngress' },
    });
    const info = { ...sshOpenToWorld(), severity: 'info' as const };
    expect(JSON.stringify(renderAlert(info).blocks[0])).toContain(
      '🔵 security-groups: AuthorizeSecurityGroupIngress',
    );
  });

  it('offers Acknowledge, Investigate and the overflow menu, all carrying the alert id', () => {
    // Act
    const actions = actionsOf(renderAlert(sshOpenToWorld(), OPTIONS).blocks);

    // Assess
    expect(actions?.block_id).toBe(ACTIONS_BLOCK_ID);
    const [ack, investigate, more] = actions?.elements ?? [];
    expect(ack).toMatchObject({
      type: 'button',
      action_id: 'infrawatch_ack',
      style: 'primary',
      value: ALERT_ID,
      text: { text: 'Acknowledge' },
    });
    expect(investigate).toMatchObject({
      type: 'button',
      action_id: 'infrawatch_investigate',
      value: ALERT_ID,
    });
    expect(more).toMatchObject({ type: 'overflow', action_id: 'infrawatch_more' });
    const options = more?.type === 'overflow' ? more.options : [];
    expect(options.map((option) => option.text.text)).toEqual([
      'Acknowledge with note…',
      'Mute this watch for 1h',
      'Mute this watch for 24h',
      'Mute this actor for 24h',
    ]);
    expect(options.map((option) => option.value)).toEqual([
      `ack_note:${ALERT_ID}`,
      `mute_watch_1h:${ALERT_ID}`,
      `mute_watch_24h:${ALERT_ID}`,
      `mute_actor_24h:${ALERT_ID}`,
    ]);
    expect(options.map((option) => parseOverflowValue(option.value ?? ''))).toEqual(
      OVERFLOW_OPTIONS.map((option) => ({ kind: option.kind, alertId: ALERT_ID })),
    );
    expect(ACTION_IDS).toEqual({
      acknowledge: 'infrawatch_ack',
      investigate: 'infrawatch_investigate',
      more: 'infrawatch_more',
    });
  });

  it('uses the CloudTrail event id as the alert id by default', () => {
    const actions = actionsOf(renderAlert(sshOpenToWorld()).blocks);
    expect(actions?.elements[0]).toMatchObject({ value: '42155429-7e8e-43b5-9b5e-6953f80d51d5' });
  });

  it('refuses an alert id that cannot travel in a button or option value', () => {
    expect(() => renderAlert(sshOpenToWorld(), { alertId: '' })).toThrow(AlertRenderError);
    expect(() => renderAlert(sshOpenToWorld(), { alertId: 'a b' })).toThrow(AlertRenderError);
    try {
      renderAlert(sshOpenToWorld(), { alertId: 'x'.repeat(MAX_ALERT_ID_LENGTH + 1) });
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(AlertRenderError);
      expect((error as AlertRenderError).code).toBe('INVALID_ALERT_ID');
    }
    const longest = renderAlert(sshOpenToWorld(), { alertId: 'x'.repeat(MAX_ALERT_ID_LENGTH) });
    assertValidMessage(longest);
  });

  it('gives a fallback text of the severity word and the summary', () => {
    expect(renderAlert(sshOpenToWorld(), OPTIONS).text).toBe(
      'Critical: role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1',
    );
    const denied = renderAlert(deniedIngress(), OPTIONS);
    expect(denied.text.startsWith('Warning: ')).toBe(true);
  });

  it('shows who, account with alias, region, local time, tool and source IP', () => {
    // Act
    const fields = renderAlert(sshOpenToWorld(), OPTIONS).blocks.find(
      (block): block is types.SectionBlock => block.type === 'section' && block.fields !== undefined,
    );

    // Assess
    expect(fields?.fields?.map((field) => field.text)).toEqual([
      '*Who*\nrole/Operator (session ryan@example.com)\n_no MFA_',
      '*Account*\nprod (112233445566)',
      '*Region*\nus-east-1',
      '*When*\n<!date^1588221652^{date_short_pretty} at {time}|2020-04-30 04:40 UTC>',
      '*Tool*\nAWS SDK',
      '*Source IP*\n100.1.114.142',
    ]);
  });

  it('takes one alias for every account, and leaves unknown accounts bare', () => {
    expect(allText(renderAlert(sshOpenToWorld(), { accountAlias: 'sandbox' }))).toContain(
      '*Account*\nsandbox (112233445566)',
    );
    expect(allText(renderAlert(sshOpenToWorld(), { accountAlias: { '999999999999': 'other' } }))).toContain(
      '*Account*\n112233445566\n',
    );
  });

  it('shows the caller ARN unless asked not to', () => {
    const arn = 'ARN `arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com`';
    expect(allText(renderAlert(sshOpenToWorld()))).toContain(arn);
    expect(allText(renderAlert(sshOpenToWorld(), { showArn: false }))).not.toContain('arn:aws:sts');
  });

  it('links the CloudTrail event and the resources in the console', () => {
    expect(allText(renderAlert(sshOpenToWorld()))).toContain(
      '🔗 <https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/42155429-7e8e-43b5-9b5e-6953f80d51d5|CloudTrail event> · security group <https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=sg-0d921df5d84f7270a|sg-0d921df5d84f7270a>',
    );
  });

  it("links through the IAM Identity Center access portal into the change's account when configured", () => {
    // Prepare
    const change = sshOpenToWorld();
    const consoleAccess = { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' };
    const portal = `https://d-1234567890.awsapps.com/start/#/console?account_id=${change.account}&amp;role_name=ReadOnly&amp;destination=`;
    // Act
    const message = renderAlert(change, { ...OPTIONS, consoleAccess });
    // Assess
    const event = `https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${change.id}`;
    const group =
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SecurityGroup:securityGroupId=sg-0d921df5d84f7270a';
    expect(allText(message)).toContain(
      `🔗 <${portal}${encodeURIComponent(event)}|CloudTrail event> · security group <${portal}${encodeURIComponent(group)}|sg-0d921df5d84f7270a>`,
    );
    expect(allText(message)).not.toContain('<https://us-east-1.console');
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
  });

  it('says when the call was denied, failed, or was a dry run', () => {
    // Act
    const denied = renderAlert(deniedIngress(), OPTIONS);
    const failed = { ...sshOpenToWorld(), outcome: { ok: false, errorCode: 'InvalidGroup.NotFound' } };
    const dryRun = {
      ...sshOpenToWorld(),
      dryRun: true,
      outcome: { ok: false, errorCode: 'Client.DryRunOperation' },
    };

    // Assess
    expect(JSON.stringify(denied.blocks[0])).toContain('AuthorizeSecurityGroupIngress (denied)');
    expect(allText(denied)).toContain(
      '⛔ *Denied* `Client.UnauthorizedOperation` — You are not authorized to perform this operation.',
    );
    expect(allText(renderAlert(failed))).toContain('⚠️ *Failed* `InvalidGroup.NotFound`');
    expect(JSON.stringify(renderAlert(dryRun).blocks[0])).toContain('(dry run)');
    expect(allText(renderAlert(dryRun))).toContain('🧪 *Dry run*');
  });

  describe('when acknowledged', () => {
    const acknowledgement = {
      userId: 'U0123ABCD',
      userName: 'alice',
      at: '2020-04-30T04:45:10Z',
      note: 'Expected: <b>migration</b>',
    };

    it('drops the buttons and says who acknowledged, how long after the change, with the note', () => {
      // Act
      const message = renderAlert(sshOpenToWorld(), { ...OPTIONS, acknowledgement });

      // Assess
      assertValidMessage(message);
      assertOnlyOwnMarkup(message);
      expect(actionsOf(message.blocks)).toBeUndefined();
      expect(message.blocks.at(-1)).toEqual({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '✅ Acknowledged by <@U0123ABCD> · 4 min after the change',
            verbatim: true,
          },
          { type: 'mrkdwn', text: '📝 Expected: &lt;b&gt;migration&lt;/b&gt;', verbatim: true },
        ],
      });
      expect(JSON.stringify(message.blocks[0])).toContain('🔴');
      expect(message).toMatchSnapshot();
    });

    it('wins over an investigation', () => {
      const investigation = { userId: 'U0999', userName: 'bob', at: '2020-04-30T04:42:00Z' };
      const message = renderAlert(sshOpenToWorld(), { acknowledgement, investigation });
      expect(allText(message)).not.toContain('Investigating');
      expect(actionsOf(message.blocks)).toBeUndefined();
    });

    it('leaves the delay out when the times do not allow it', () => {
      const early = { ...acknowledgement, at: '2020-04-30T03:00:00Z', note: undefined };
      expect(renderAlert(sshOpenToWorld(), { acknowledgement: early }).blocks.at(-1)).toEqual({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '✅ Acknowledged by <@U0123ABCD>', verbatim: true }],
      });
      const quick = { ...acknowledgement, at: '2020-04-30T04:41:10Z' };
      expect(allText(renderAlert(sshOpenToWorld(), { acknowledgement: quick }))).toContain(
        'less than a minute after the change',
      );
      const late = { ...acknowledgement, at: '2020-05-01T06:50:52Z' };
      expect(allText(renderAlert(sshOpenToWorld(), { acknowledgement: late }))).toContain(
        '1 d 2 h after the change',
      );
    });
  });

  it('shows who investigates and keeps the buttons', () => {
    // Act
    const message = renderAlert(sshOpenToWorld(), {
      ...OPTIONS,
      investigation: { userId: 'U0999BBBB', userName: 'bob', at: '2020-04-30T04:42:00Z' },
    });

    // Assess
    assertValidMessage(message);
    expect(message.blocks.at(-2)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '🔎 Investigating: <@U0999BBBB>', verbatim: true }],
    });
    expect(actionsOf(message.blocks)?.elements).toHaveLength(3);
  });
});

describe('renderAlert with hostile input', () => {
  function hostile() {
    const change = publicBucketPolicy();
    const policy = JSON.stringify({
      Statement: [
        { Sid: '<!channel> <https://evil.example|aws.amazon.com> <@U999> <#C999> &amp;', Principal: '*' },
      ],
    });
    change.actor.display = 'role/x (session <!channel>)';
    change.actor.arn = 'arn:aws:sts::1:assumed-role/x/<!here>';
    change.eventName = 'Put<!everyone>';
    change.summary = 'made <https://evil.example|aws.amazon.com> public, @here look';
    change.details = [
      { label: '*Bucket* <@U1>', value: 'ex`ample <#C1>' },
      { label: 'Bucket policy', value: policy },
    ];
    change.reasons = ['<!subteam^S123> was granted', 'x & y > z'];
    change.resources = [
      { type: 'bucket', id: '<!channel>|x' },
      { type: '<!here>', id: 'y' },
    ];
    change.sourceIp = '<!channel>';
    change.userAgent = '<https://evil.example>';
    change.tool = 'unknown';
    change.outcome = { ok: false, errorCode: '<!here>', errorMessage: '<@U1> denied' };
    return change;
  }

  it('shows event text as text: no mention, broadcast, channel link or foreign link can form', () => {
    // Act
    const message = renderAlert(hostile(), {
      alertId: ALERT_ID,
      accountAlias: '<!channel>',
      watchTitle: '<!here>',
      acknowledgement: {
        userId: 'U1>|<!channel',
        userName: '<!here>',
        at: '2019-01-01T00:05:00Z',
        note: '<!channel>',
      },
    });

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    const text = allText(message);
    expect(text).toContain(
      '&lt;!channel&gt; &lt;https://evil.example|aws.amazon.com&gt; &lt;@U999&gt; &lt;#C999&gt; &amp;amp;',
    );
    expect(text).toContain('role/x (session &lt;!channel&gt;)');
    expect(text).toContain('made &lt;https://evil.example|aws.amazon.com&gt; public, @\u2060here look');
    expect(text).toContain('✅ Acknowledged by &lt;!here&gt;');
    // The only <! left is the local date of the change.
    expect(text.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '')).not.toMatch(/<[!@#]/);
    expect(text.replace(/<https:\/\/[a-z0-9.-]+\.console\.aws\.amazon\.com\/[^|]*\|/g, '')).not.toContain(
      '<http',
    );
    expect(message.text).toBe(
      'Critical: made &lt;https://evil.example|aws.amazon.com&gt; public, @\u2060here look',
    );
    expect(message).toMatchSnapshot();
  });

  it('keeps a bold label from being closed by the label itself', () => {
    const text = allText(renderAlert(hostile(), { alertId: ALERT_ID }));
    expect(text).toContain('• *\u2217Bucket\u2217 &lt;@U1&gt;* `ex\u02cbample &lt;#C1&gt;`');
  });
});

describe('renderAlert within Slack limits', () => {
  it('cuts a 20 KB bucket policy and says how much is not shown', () => {
    // Prepare
    const change = publicBucketPolicy();
    const statements = Array.from({ length: 120 }, (_, i) => ({
      Sid: `Statement${i}`,
      Effect: 'Allow',
      Principal: '*',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: `arn:aws:s3:::example-bucket/prefix-${i}/*`,
    }));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
    expect(policy.length).toBeGreaterThan(20_000);
    change.details = [{ label: 'Bucket policy', value: policy }];

    // Act
    const message = renderAlert(change, { alertId: ALERT_ID });

    // Assess
    assertValidMessage(message);
    const text = allText(message);
    expect(text).toMatch(/_…[\d,]+ more characters not shown_/);
    const shown = Number(/…([\d,]+) more characters/.exec(text)?.[1]?.replace(/,/g, ''));
    expect(shown).toBeGreaterThan(17_000);
  });

  it('survives a 5,000-character session name, 300 resources, 300 details and 100 long reasons', () => {
    // Prepare
    const change = sshOpenToWorld();
    change.actor.display = `role/Operator (session ${'s'.repeat(5000)})`;
    change.actor.arn = `arn:aws:sts::112233445566:assumed-role/Operator/${'s'.repeat(5000)}`;
    change.summary = `${'summary '.repeat(1000)}`;
    change.eventName = 'E'.repeat(1000);
    change.resources = Array.from({ length: 300 }, (_, i) => ({ type: 'security-group', id: `sg-${i}` }));
    change.details = Array.from({ length: 300 }, (_, i) => ({
      label: `Rule ${i}`,
      value: `+ tcp/${i} from 0.0.0.0/0`,
    }));
    change.reasons = Array.from({ length: 100 }, (_, i) => `reason ${i} ${'r'.repeat(2000)}`);
    change.userAgent = 'u'.repeat(10_000);
    change.tool = 'unknown';

    // Act
    const message = renderAlert(change, { alertId: ALERT_ID, watchTitle: 'W'.repeat(500) });

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    const text = allText(message);
    expect(text).toContain('…and 294 more resources');
    expect(text).toMatch(/…and \d+ more details/);
    expect(text).toMatch(/…and \d+ more reasons/);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(SLACK_LIMITS.headerText);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.messageBlocks);
    expect(
      actionsOf(message.blocks)?.elements.map((e) => ('action_id' in e ? e.action_id : undefined)),
    ).toEqual(['infrawatch_ack', 'infrawatch_investigate', 'infrawatch_more']);
  });

  it('renders empty and missing values without empty texts', () => {
    const change = sshOpenToWorld();
    Object.assign(change, { summary: '', details: [], reasons: [], resources: [], sourceIp: null });
    change.actor = { ...change.actor, display: '', arn: null };
    const message = renderAlert(change, { alertId: ALERT_ID });
    assertValidMessage(message);
    expect(message.text).toBe('Critical: AuthorizeSecurityGroupIngress');
    expect(allText(message)).toContain('*Source IP*\n—');
  });
});

describe('the revision a message shows, in its Acknowledge controls', () => {
  it('rides in the Acknowledge button, every overflow option and the note modal, and reads back', () => {
    // Act
    const message = renderAlert(sshOpenToWorld(), { ...OPTIONS, shownRev: 7 });
    const [acknowledge, investigate, more] = actionsOf(message.blocks)?.elements ?? [];

    // Assess
    assertValidMessage(message);
    expect(acknowledge).toMatchObject({ action_id: ACTION_IDS.acknowledge, value: `${ALERT_ID}@7` });
    expect(parseAlertRef(`${ALERT_ID}@7`)).toEqual({ alertId: ALERT_ID, shownRev: 7 });
    // Investigate acknowledges nothing: its value stays the alert id.
    expect(investigate).toMatchObject({ value: ALERT_ID });
    const options = more?.type === 'overflow' ? more.options : [];
    expect(options.map((option) => parseOverflowValue(option.value ?? ''))).toEqual(
      OVERFLOW_OPTIONS.map((option) => ({ kind: option.kind, alertId: ALERT_ID, shownRev: 7 })),
    );
    const modal = renderAckNoteModal({ alertId: ALERT_ID, summary: 's', shownRev: 7 });
    expect(parseAckNoteMetadata(modal.private_metadata ?? '')).toEqual({ alertId: ALERT_ID, shownRev: 7 });
  });

  it('fits Slack’s option value limit with the longest alert id and the largest revision', () => {
    const message = renderAlert(sshOpenToWorld(), {
      alertId: 'x'.repeat(MAX_ALERT_ID_LENGTH),
      shownRev: 999_999_999_999_999,
    });
    assertValidMessage(message);
    const more = actionsOf(message.blocks)?.elements[2];
    for (const option of more?.type === 'overflow' ? more.options : [])
      expect((option.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.optionValue);
    expect(() => alertRefValue(ALERT_ID, 0)).toThrow(AlertRenderError);
    expect(() => alertRefValue(ALERT_ID, 1.5)).toThrow(AlertRenderError);
  });

  it('reads a value without a revision as an older message’s alert id, and refuses a forged revision', () => {
    expect(parseAlertRef(ALERT_ID)).toEqual({ alertId: ALERT_ID });
    for (const forged of ['', '@7', `${ALERT_ID}@`, `${ALERT_ID}@0`, `${ALERT_ID}@-1`, `${ALERT_ID}@07`]) {
      expect(parseAlertRef(forged)).toBeNull();
    }
    for (const forged of [
      `${ALERT_ID}@1e3`,
      `${ALERT_ID}@7 `,
      `${ALERT_ID}@${'9'.repeat(16)}`,
      `${ALERT_ID}@x`,
    ]) {
      expect(parseAlertRef(forged)).toBeNull();
    }
    expect(parseOverflowValue(`ack_note:${ALERT_ID}@x`)).toBeNull();
    for (const bad of ['"7"', '0', '-1', '1.5', '1e300', 'null', '{}']) {
      expect(parseAckNoteMetadata(`{"alertId":"a1","shownRev":${bad}}`)).toBeNull();
    }
  });
});

describe('OVERFLOW_KINDS', () => {
  it('parses only our own option values', () => {
    expect(parseOverflowValue(`${OVERFLOW_KINDS.muteActor24h}:abc:def`)).toEqual({
      kind: 'mute_actor_24h',
      alertId: 'abc:def',
    });
    expect(parseOverflowValue('mute_forever:abc')).toBeNull();
    expect(parseOverflowValue('ack_note:')).toBeNull();
    expect(parseOverflowValue('ack_note')).toBeNull();
    expect(
      OVERFLOW_OPTIONS.filter((option) => option.mute !== undefined).map((option) => option.mute),
    ).toEqual([
      { target: 'watch', durationMs: 3_600_000 },
      { target: 'watch', durationMs: 86_400_000 },
      { target: 'actor', durationMs: 86_400_000 },
    ]);
  });
});
