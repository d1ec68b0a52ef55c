import { createDigestHandler } from '../../app/lambda/digest';
import { CHANGED_TEXT } from '../../app/listeners/actions';
import { ACTION_IDS, OVERFLOW_KINDS, overflowValue, VIEW_IDS } from '../../src/views';
import { corpusEvent, lambdaContext, variant } from '../helpers/events';
import { BOT_TOKEN } from '../helpers/pipeline';
import {
  ADMIN,
  ALERTS_CHANNEL,
  ALICE,
  BOB,
  type SlackHarness,
  USERS,
  useSlackHarness,
  type Via,
} from '../helpers/slack-app';
import { blockAction, FOREIGN_TEAM_ID, sign, slashCommand, viewSubmission } from '../helpers/slack-requests';
import { standinWebClient } from '../helpers/slack-standin-client';
import { DYNAMODB_ENGINES } from '../helpers/stores';

const VIAS: readonly Via[] = ['lambda', 'http'];

function updatesOf(harness: SlackHarness, ts: string) {
  return harness.slack
    .callsTo('chat.update')
    .filter((call) => call.args.ts === ts && call.response.status === 200);
}

function messageOf(harness: SlackHarness, alertId: string) {
  return harness.slack
    .messages(ALERTS_CHANNEL)
    .find(
      (m) =>
        (m.metadata as { event_payload?: { alert_id?: string } } | undefined)?.event_payload?.alert_id ===
        alertId,
    );
}

function digestOf(harness: SlackHarness, ts: string | undefined) {
  return harness.slack.messages(ALERTS_CHANNEL).find((m) => m.ts === ts);
}

/** The Acknowledge button's value on a message in the stand-in: what a click on it sends. */
function ackValueOf(message: { blocks?: readonly unknown[] } | undefined): string {
  const elements = (message?.blocks ?? []).flatMap(
    (b) => (b as { elements?: { action_id?: string; value?: string }[] }).elements ?? [],
  );
  return elements.find((e) => e.action_id === ACTION_IDS.acknowledge)?.value ?? '';
}

function ackAllValueOf(message: { blocks?: readonly unknown[] } | undefined): string {
  const actions = (message?.blocks ?? []).find((b) => (b as { type?: string }).type === 'actions') as
    | { elements?: { action_id?: string; value?: string }[] }
    | undefined;
  return actions?.elements?.find((e) => e.action_id === VIEW_IDS.digestAckAll)?.value ?? '';
}

function ephemeralText(harness: SlackHarness, user: string): string[] {
  return harness.slack.ephemerals({ user }).map((e) => e.text);
}

/** The text Slack would show for a slash-command answer (the HTTP response body). */
function replyText(response: { body: string }): string {
  const body = JSON.parse(response.body) as { text?: string; response_type?: string };
  expect(body.response_type).toBe('ephemeral');
  return body.text ?? '';
}

describe.each(DYNAMODB_ENGINES)('Slack interactions on %s', (engine) => {
  const harnesses = useSlackHarness(engine);

  describe('Acknowledge', () => {
    it('records exactly one of 50 simultaneous clicks, updates the message once and tells the 49 others', async () => {
      const harness = await harnesses.start();
      const [alertId = ''] = await harness.alertFor([
        corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json'),
      ]);
      const ts = messageOf(harness, alertId)?.ts ?? '';
      const updatesBefore = updatesOf(harness, ts).length;

      const clickers = USERS.slice(0, 50);
      const responses = await Promise.all(
        clickers.map((user, i) =>
          harness.send(
            blockAction(
              { action_id: ACTION_IDS.acknowledge, value: alertId },
              { userId: user.id, userName: user.name },
              ALERTS_CHANNEL,
              {
                messageTs: ts,
              },
            ),
            VIAS[i % 2] ?? 'lambda',
          ),
        ),
      );

      expect(responses.map((r) => r.status)).toEqual(clickers.map(() => 200));
      const alert = await harness.store.alerts.get(alertId);
      const winner = alert?.acknowledgement;
      expect(clickers.map((u) => u.id)).toContain(winner?.userId);
      expect(updatesOf(harness, ts).length - updatesBefore).toBe(1);
      const told = clickers.filter((u) => u.id !== winner?.userId).map((u) => ephemeralText(harness, u.id));
      expect(told).toHaveLength(49);
      for (const texts of told)
        expect(texts).toEqual([
          expect.stringMatching(new RegExp(`^Already acknowledged by <@${winner?.userId}>`)),
        ]);
      expect(ephemeralText(harness, winner?.userId ?? '')).toEqual([]);

      const message = messageOf(harness, alertId);
      const rendered = JSON.stringify(message?.blocks);
      expect(rendered).toContain(`Acknowledged by <@${winner?.userId}>`);
      expect(rendered).not.toContain(ACTION_IDS.acknowledge);
      expect(await harness.store.alerts.listOpen(ALERTS_CHANNEL, '1970-01-01T00:00:00Z')).toEqual([]);

      const published = harness.eventbridge.events.filter(
        (e) => e['detail-type'] === 'InfraWatch Change Acknowledged',
      );
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        source: 'infrawatch',
        detail: {
          alertId,
          channel: ALERTS_CHANNEL,
          eventIds: ['42155429-7e8e-43b5-9b5e-6953f80d51d5'],
          acknowledgedBy: { userId: winner?.userId },
          note: null,
        },
      });
    });

    it.each(['events', 'digest'] as const)(
      'repairs a message still showing buttons after its update failed, on the next %s run',
      async (repairer) => {
        // Prepare: the acknowledgement is recorded, but chat.update fails (all three tries of the client).
        const harness = await harnesses.start();
        const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
        harness.slack.failNext('chat.update', { status: 500 }, 3);
        await harness.send(
          blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
          'lambda',
        );
        expect((await harness.store.alerts.get(alertId))?.acknowledgement?.userId).toBe(ALICE.userId);
        expect(JSON.stringify(messageOf(harness, alertId)?.blocks)).toContain(ACTION_IDS.acknowledge);

        // Act: the next run of a function that runs anyway.
        if (repairer === 'events') await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
        else await createDigestHandler(harness.env)({ kind: 'scheduled' }, lambdaContext());

        // Assess
        const blocks = JSON.stringify(messageOf(harness, alertId)?.blocks);
        expect(blocks).toContain(`Acknowledged by <@${ALICE.userId}>`);
        expect(blocks).not.toContain(ACTION_IDS.acknowledge);
        expect(await harness.store.renders.due(10, new Date().toISOString())).toEqual([]);
      },
    );

    it('acknowledges only what the clicked message showed; a forged revision names no alert', async () => {
      // Prepare: alice looks at the message; bob's Investigate renders it again before she clicks.
      const harness = await harnesses.start();
      const [alertId = ''] = await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
      const seen = ackValueOf(messageOf(harness, alertId));
      const triggerId = harness.slack.issueTriggerId({ userId: BOB.userId });
      await harness.send(
        blockAction({ action_id: ACTION_IDS.investigate, value: alertId }, BOB, ALERTS_CHANNEL, {
          triggerId,
        }),
        'lambda',
      );
      const latest = ackValueOf(messageOf(harness, alertId));
      expect(seen).toMatch(new RegExp(`^${alertId}@[0-9]+$`));
      expect(latest).toMatch(new RegExp(`^${alertId}@[0-9]+$`));
      expect(latest).not.toBe(seen);

      // Act
      const click = (value: string, via: Via) =>
        harness.send(blockAction({ action_id: ACTION_IDS.acknowledge, value }, ALICE, ALERTS_CHANNEL), via);
      const responses = [await click(seen, 'http'), await click(`${alertId}@1x`, 'lambda')];
      const refused = await harness.store.alerts.get(alertId);
      responses.push(await click(latest, 'lambda'));

      // Assess
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(refused?.acknowledgement).toBeUndefined();
      expect(ephemeralText(harness, ALICE.userId)).toEqual([
        CHANGED_TEXT,
        expect.stringMatching(/can't find this alert/),
      ]);
      expect((await harness.store.alerts.get(alertId))?.acknowledgement?.userId).toBe(ALICE.userId);
      expect(JSON.stringify(messageOf(harness, alertId)?.blocks)).toContain('Acknowledged by <@U0ALICE>');
    });

    it('covers every change of a grouped alert with one acknowledgement', async () => {
      const harness = await harnesses.start();
      const base = corpusEvent('ec2.AuthorizeSecurityGroupIngress.iamuser.json');
      const burst = Array.from({ length: 12 }, (_, i) =>
        variant(base, i, new Date(Date.parse('2026-11-27T09:00:00Z') + i * 5000).toISOString()),
      );
      const [alertId = ''] = await harness.alertFor(burst);

      const response = await harness.send(
        blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
        'lambda',
      );

      expect(response.status).toBe(200);
      const [event] = harness.eventbridge.events;
      expect((event?.detail as { eventIds?: string[] } | undefined)?.eventIds).toHaveLength(12);
      expect(messageOf(harness, alertId)?.text).toMatch(/12 /);
    });

    it('acknowledges with a note from the modal, and shows the note', async () => {
      const harness = await harnesses.start();
      const [alertId = ''] = await harness.alertFor([corpusEvent('iam.CreateAccessKey.json')]);
      const triggerId = harness.slack.issueTriggerId({ userId: BOB.userId });

      const open = await harness.send(
        blockAction(
          {
            action_id: ACTION_IDS.more,
            selected_option: { value: overflowValue(OVERFLOW_KINDS.acknowledgeWithNote, alertId) },
          },
          BOB,
          ALERTS_CHANNEL,
          {
            triggerId,
          },
        ),
        'http',
      );
      expect(open.status).toBe(200);
      const modal = harness.slack.views().at(-1)?.view as
        | { callback_id?: string; private_metadata?: string }
        | undefined;
      expect(modal?.callback_id).toBe(VIEW_IDS.ackNoteModal);

      const submit = await harness.send(
        viewSubmission(
          {
            callback_id: VIEW_IDS.ackNoteModal,
            private_metadata: modal?.private_metadata ?? '',
            values: {
              [VIEW_IDS.ackNoteBlock]: {
                [VIEW_IDS.ackNoteInput]: {
                  type: 'plain_text_input',
                  value: 'Rotated by the <!channel> *deploy* job',
                },
              },
            },
          },
          BOB,
        ),
        'lambda',
      );

      expect(submit.status).toBe(200);
      expect((await harness.store.alerts.get(alertId))?.acknowledgement).toMatchObject({
        userId: BOB.userId,
        note: 'Rotated by the <!channel> *deploy* job',
      });
      const blocks = JSON.stringify(messageOf(harness, alertId)?.blocks);
      expect(blocks).toContain('Rotated by the &lt;!channel&gt;');
      expect(blocks).not.toContain('<!channel>');

      // A second note after the acknowledgement is refused in the modal itself.
      const again = await harness.send(
        viewSubmission(
          {
            callback_id: VIEW_IDS.ackNoteModal,
            private_metadata: JSON.stringify({ alertId }),
            values: {
              [VIEW_IDS.ackNoteBlock]: {
                [VIEW_IDS.ackNoteInput]: { type: 'plain_text_input', value: 'late' },
              },
            },
          },
          ALICE,
        ),
        'http',
      );
      expect(JSON.parse(again.body)).toMatchObject({
        response_action: 'errors',
        errors: {
          [VIEW_IDS.ackNoteBlock]: expect.stringMatching(
            /^Already acknowledged by bob at \d{4}-\d\d-\d\d \d\d:\d\d UTC; your note was not saved\.$/,
          ),
        },
      });
    });
  });

  describe('Investigate', () => {
    it('opens the modal with the change and the actor’s other changes, and marks the alert', async () => {
      const harness = await harnesses.start();
      const recent = Date.now() - 3600_000;
      const base = corpusEvent('iam.CreateUser.json');
      const earlier = variant(
        corpusEvent('iam.AttachUserPolicy.json'),
        1,
        new Date(recent - 600_000).toISOString(),
      );
      const current = variant(base, 2, new Date(recent).toISOString());
      await harness.alertFor([earlier]);
      const alertIds = await harness.alertFor([current]);
      const alertId = alertIds.at(-1) ?? '';
      const triggerId = harness.slack.issueTriggerId({ userId: BOB.userId });

      const response = await harness.send(
        blockAction({ action_id: ACTION_IDS.investigate, value: alertId }, BOB, ALERTS_CHANNEL, {
          triggerId,
        }),
        'lambda',
      );

      expect(response.status).toBe(200);
      const opened = harness.slack.views().at(-1);
      expect(opened?.userId).toBe(BOB.userId);
      const modal = JSON.stringify(opened?.view);
      expect(modal).toContain(VIEW_IDS.investigateModal);
      expect(modal).toContain('attached AdministratorAccess to user malicious-iam-user');
      expect((await harness.store.alerts.get(alertId))?.investigation).toMatchObject({
        userId: BOB.userId,
      });
      expect(JSON.stringify(messageOf(harness, alertId)?.blocks)).toMatch(/Investigating: <@U0BOB>/);

      await harness.send(
        blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
        'http',
      );
      const after = JSON.stringify(messageOf(harness, alertId)?.blocks);
      expect(after).not.toMatch(/Investigating/);
      expect(after).toContain('Acknowledged by <@U0ALICE>');
    });

    it('shows only the actor’s changes this channel received', async () => {
      const harness = await harnesses.start();
      await harness.store.config.bootstrap(ALERTS_CHANNEL, new Date().toISOString());
      await harness.store.config.subscribe('C0OTHER', ['ec2'], ADMIN.userId, new Date().toISOString());
      const recent = Date.now() - 3600_000;
      const iam = variant(corpusEvent('iam.CreateUser.json'), 11, new Date(recent - 60_000).toISOString());
      const ec2 = variant(corpusEvent('ec2.RunInstances.json'), 12, new Date(recent).toISOString());
      ec2.detail.userIdentity = structuredClone(iam.detail.userIdentity);
      ec2.account = iam.account;
      ec2.detail.recipientAccountId = iam.detail.recipientAccountId;
      await harness.alertFor([iam, ec2]);
      const otherAlert = harness.slack
        .messages('C0OTHER')
        .map(
          (m) =>
            (m.metadata as { event_payload?: { alert_id?: string } } | undefined)?.event_payload?.alert_id,
        )
        .find(Boolean);
      const ec2Alert = (await harness.store.deliveries.get(String(ec2.detail.eventID), ALERTS_CHANNEL)) as {
        alertId?: string;
      };

      const modalFor = async (alertId: string, channel: string) => {
        const triggerId = harness.slack.issueTriggerId({ userId: BOB.userId });
        await harness.send(
          blockAction({ action_id: ACTION_IDS.investigate, value: alertId }, BOB, channel, { triggerId }),
          'lambda',
        );
        return JSON.stringify(harness.slack.views().at(-1)?.view);
      };
      expect(await modalFor(otherAlert ?? '', 'C0OTHER')).not.toContain('created IAM user');
      expect(await modalFor(ec2Alert.alertId ?? '', ALERTS_CHANNEL)).toContain('created IAM user');
    });

    it('says so when the alert does not exist', async () => {
      const harness = await harnesses.start();
      await harness.send(
        blockAction({ action_id: ACTION_IDS.investigate, value: 'nope' }, BOB, ALERTS_CHANNEL),
        'lambda',
      );
      expect(ephemeralText(harness, BOB.userId)).toEqual([expect.stringMatching(/can't find this alert/)]);
      expect(harness.slack.views()).toEqual([]);
    });
  });

  describe('/infrawatch', () => {
    it.each(VIAS)('answers help, watches and list, ephemerally (%s)', async (via) => {
      const harness = await harnesses.start();
      expect(replyText(await harness.send(slashCommand('', ALICE, ALERTS_CHANNEL), via))).toMatch(
        /subscribe/,
      );
      expect(replyText(await harness.send(slashCommand('HELP', ALICE, ALERTS_CHANNEL), via))).toMatch(/mute/);
      expect(replyText(await harness.send(slashCommand('watches', ALICE, ALERTS_CHANNEL), via))).toMatch(
        /security-groups/,
      );
      expect(replyText(await harness.send(slashCommand('list', ALICE, 'C0OTHER'), via))).toMatch(
        /not subscribed|No subscriptions|nothing/i,
      );
    });

    it('subscribes and unsubscribes, announcing it in the channel; explains unknown watches', async () => {
      const harness = await harnesses.start();
      const subscribed = replyText(
        await harness.send(slashCommand('subscribe ec2 sg', ALICE, 'C0OTHER'), 'lambda'),
      );
      expect(subscribed).toMatch(/ec2/);
      const config = await harness.store.config.load(new Date().toISOString());
      expect(
        config.subscriptions
          .filter((s) => s.channel === 'C0OTHER')
          .map((s) => s.watch)
          .sort(),
      ).toEqual(['ec2', 'security-groups']);
      expect(harness.slack.messages('C0OTHER').map((m) => m.text)).toEqual([
        expect.stringMatching(/<@U0ALICE> subscribed/),
      ]);

      expect(replyText(await harness.send(slashCommand('subscribe ec3', ALICE, 'C0OTHER'), 'http'))).toMatch(
        /Unknown watch 'ec3' — did you mean 'ec2'\?/,
      );
      expect(replyText(await harness.send(slashCommand('subscrbe ec2', ALICE, 'C0OTHER'), 'http'))).toMatch(
        /did you mean 'subscribe'/,
      );

      expect(
        replyText(await harness.send(slashCommand('unsubscribe ec2', ALICE, 'C0OTHER'), 'http')),
      ).toMatch(/ec2/);
      const after = await harness.store.config.load(new Date().toISOString());
      expect(after.subscriptions.filter((s) => s.channel === 'C0OTHER').map((s) => s.watch)).toEqual([
        'security-groups',
      ]);
    });

    it('stores "all" for subscribe all (so later custom watches reach the channel), replacing explicit watches', async () => {
      const harness = await harnesses.start();
      const channelWatches = async () =>
        (await harness.store.config.load(new Date().toISOString())).subscriptions
          .filter((s) => s.channel === 'C0OTHER')
          .map((s) => s.watch)
          .sort();

      await harness.send(slashCommand('subscribe ec2', ALICE, 'C0OTHER'), 'lambda');
      const reply = replyText(await harness.send(slashCommand('subscribe all', ALICE, 'C0OTHER'), 'http'));
      const afterAll = await channelWatches();
      const again = replyText(await harness.send(slashCommand('subscribe all sg', BOB, 'C0OTHER'), 'lambda'));
      await harness.send(slashCommand('unsubscribe s3', ALICE, 'C0OTHER'), 'http');
      const afterOne = await channelWatches();
      await harness.send(slashCommand('unsubscribe all', ALICE, 'C0OTHER'), 'lambda');

      expect(afterAll).toEqual(['all']);
      expect(reply).toMatch(/all watches/);
      expect(again).toMatch(/already/i);
      expect(afterOne).not.toContain('all');
      expect(afterOne).not.toContain('s3');
      expect(afterOne).toContain('iam');
      expect(await channelWatches()).toEqual([]);
      expect(harness.slack.messages('C0OTHER').map((m) => m.text)).toEqual([
        expect.stringMatching(/<@U0ALICE> subscribed .*ec2/),
        expect.stringMatching(/<@U0ALICE> subscribed .*all watches/),
        expect.stringMatching(/<@U0ALICE> unsubscribed .*s3/),
        expect.stringMatching(/<@U0ALICE> unsubscribed .*all watches/),
      ]);
    });

    it('turns the default "all" subscription into the explicit list when one watch is removed', async () => {
      const harness = await harnesses.start();
      await harness.store.config.bootstrap(ALERTS_CHANNEL, new Date().toISOString());
      await harness.send(slashCommand('unsubscribe signin', ALICE, ALERTS_CHANNEL), 'lambda');
      const watches = (await harness.store.config.load(new Date().toISOString())).subscriptions.map(
        (s) => s.watch,
      );
      expect(watches).not.toContain('all');
      expect(watches).not.toContain('signin');
      expect(watches).toContain('iam');
    });

    it('mutes for a duration, announces until when, lists it, and the mute expires', async () => {
      const harness = await harnesses.start();
      const before = Date.now();
      const reply = replyText(
        await harness.send(slashCommand('mute iam for 2h', ALICE, ALERTS_CHANNEL), 'lambda'),
      );
      expect(reply).toMatch(/muted/);
      expect(harness.slack.messages(ALERTS_CHANNEL).map((m) => m.text)).toEqual([
        expect.stringMatching(/<@U0ALICE> muted `iam` for 2 h — until <!date\^\d+\^\{time\}\|/),
      ]);
      const { mutes } = await harness.store.config.load(new Date().toISOString());
      expect(mutes).toHaveLength(1);
      const expires = Date.parse(mutes[0]?.expiresAt ?? '');
      expect(expires - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
      expect(expires - before).toBeLessThanOrEqual(2 * 3600_000 + 60_000);
      expect(replyText(await harness.send(slashCommand('list', BOB, ALERTS_CHANNEL), 'http'))).toMatch(/iam/);
      expect((await harness.store.config.load(new Date(expires + 1000).toISOString())).mutes).toEqual([]);

      expect(
        replyText(
          await harness.send(
            slashCommand('mute actor:José account:123456789012 for 45m', ALICE, ALERTS_CHANNEL),
            'lambda',
          ),
        ),
      ).toMatch(/jos.*in account `123456789012` only/i);
      expect(
        replyText(await harness.send(slashCommand('mute iam for 31d', ALICE, ALERTS_CHANNEL), 'http')),
      ).toMatch(/at most 30d/);
      expect(replyText(await harness.send(slashCommand('unmute iam', BOB, ALERTS_CHANNEL), 'http'))).toMatch(
        /iam/,
      );
      expect((await harness.store.config.load(new Date().toISOString())).mutes.map((m) => m.type)).toEqual([
        'actor',
      ]);
    });

    it('lets only admins subscribe, unsubscribe and mute when admins are configured', async () => {
      const harness = await harnesses.start({ env: { ADMINS: ADMIN.userId } });
      expect(
        replyText(await harness.send(slashCommand('mute iam', ALICE, ALERTS_CHANNEL), 'lambda')),
      ).toMatch(/Only InfraWatch admins/);
      expect(
        replyText(await harness.send(slashCommand('unsubscribe iam', ALICE, ALERTS_CHANNEL), 'http')),
      ).toMatch(/Only InfraWatch admins/);
      expect((await harness.store.config.load(new Date().toISOString())).mutes).toEqual([]);
      expect(replyText(await harness.send(slashCommand('subscribe iam', ALICE, 'C0OTHER'), 'http'))).toMatch(
        /Only InfraWatch admins can subscribe/,
      );
      expect(replyText(await harness.send(slashCommand('subscribe iam', ADMIN, 'C0OTHER'), 'http'))).toMatch(
        /iam/,
      );
      expect(
        replyText(await harness.send(slashCommand('mute iam', ADMIN, ALERTS_CHANNEL), 'lambda')),
      ).toMatch(/muted/);
    });

    it('hands the digest to the digest function through EventBridge and answers at once', async () => {
      const harness = await harnesses.start();
      await harness.alertFor([corpusEvent('cloudtrail.StopLogging.json')]);
      const reply = replyText(await harness.send(slashCommand('digest', ALICE, ALERTS_CHANNEL), 'lambda'));
      expect(reply).toMatch(/digest/i);
      const request = harness.eventbridge.events.find(
        (e) => e['detail-type'] === 'InfraWatch Digest Requested',
      );
      expect(request?.detail).toMatchObject({ channel: ALERTS_CHANNEL, requestedBy: ALICE.userId });

      const digest = createDigestHandler(harness.env);
      await expect(digest(request, lambdaContext())).resolves.toEqual({
        posted: [ALERTS_CHANNEL],
        quiet: [],
      });
      // Delivered twice (EventBridge is at least once): posted once.
      await expect(digest(request, lambdaContext())).resolves.toEqual({
        posted: [],
        quiet: [ALERTS_CHANNEL],
      });
      const digests = harness.slack.messages(ALERTS_CHANNEL).filter((m) => /digest/i.test(m.text));
      expect(digests).toHaveLength(1);
    });
  });

  describe('/infrawatch stats', () => {
    it('answers with the review figures of the channel, and explains a window it does not offer', async () => {
      // Prepare: three alerts in the channel, two acknowledged.
      const harness = await harnesses.start();
      const now = Date.now();
      const events = Array.from({ length: 3 }, (_, i) => {
        const event = variant(
          corpusEvent('iam.CreateUser.json'),
          300 + i,
          new Date(now - (i + 1) * 60_000).toISOString(),
        );
        (event.detail.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::123456789012:user/s${i}`;
        return event;
      });
      const alertIds = await harness.alertFor(events);
      for (const alertId of alertIds.slice(0, 2))
        await harness.send(
          blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
          'http',
        );

      // Act
      const reply = replyText(await harness.send(slashCommand('stats', BOB, ALERTS_CHANNEL), 'lambda'));
      const wrong = replyText(await harness.send(slashCommand('stats 90d', BOB, ALERTS_CHANNEL), 'lambda'));

      // Assess
      expect(reply).toMatch(
        /^InfraWatch review of the last 7 days: 3 changes in 3 alerts · 2 acknowledged \(2 changes\) · median /,
      );
      expect(wrong).toMatch(/covers the last `7d` or `30d`/);
    });
  });

  describe('the daily digest', () => {
    it('lists open alerts only, counts muted changes, links each alert, and reads only open alerts', async () => {
      const harness = await harnesses.start();
      const now = Date.now();
      const events = Array.from({ length: 8 }, (_, i) => {
        const base = corpusEvent(i % 2 === 0 ? 'iam.CreateUser.json' : 'ec2.CreateVpc.json');
        const event = variant(base, 100 + i, new Date(now - (i + 1) * 3600_000).toISOString());
        (event.detail.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::123456789012:user/u${i}`;
        return event;
      });
      const alertIds = await harness.alertFor(events);
      expect(alertIds).toHaveLength(8);
      for (const alertId of alertIds.slice(0, 5)) {
        await harness.send(
          blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
          'http',
        );
      }
      await harness.store.config.putMute({
        channel: ALERTS_CHANNEL,
        type: 'watch',
        value: 'iam',
        setBy: ALICE.userId,
        setAt: new Date().toISOString(),
        expiresAt: new Date(now + 3600_000).toISOString(),
      });
      await harness.alertFor([
        variant(corpusEvent('iam.CreateUser.json'), 200, new Date(now - 60_000).toISOString()),
      ]);

      harness.meter.reset();
      const callsBefore = harness.slack.calls.length;
      const digest = createDigestHandler(harness.env);
      const result = await digest({ kind: 'scheduled' }, lambdaContext());
      const digestCalls = harness.slack.calls.slice(callsBefore);

      expect(result?.posted).toEqual([ALERTS_CHANNEL]);
      const message = harness.slack.messages(ALERTS_CHANNEL).at(-1);
      expect(message?.text).toMatch(/3 /);
      const blocks = JSON.stringify(message?.blocks);
      // Each open alert links to its message exactly as Slack's chat.getPermalink names it, built from one
      // auth.test instead of one call per alert.
      const slack = standinWebClient(harness.slack, { token: BOT_TOKEN });
      for (const alertId of alertIds.slice(5)) {
        const ts = messageOf(harness, alertId)?.ts ?? '';
        const { permalink } = await slack.chat.getPermalink({ channel: ALERTS_CHANNEL, message_ts: ts });
        expect(blocks).toContain(`<${permalink}|`);
      }
      expect(digestCalls.filter((call) => call.method === 'chat.getPermalink')).toEqual([]);
      expect(digestCalls.filter((call) => call.method === 'auth.test').length).toBeLessThanOrEqual(1);
      expect(blocks).toMatch(/1 change was muted|1 muted/);
      expect(blocks).toContain(VIEW_IDS.digestAckAll);
      expect(await digest({ kind: 'scheduled' }, lambdaContext())).toEqual({
        posted: [],
        quiet: [ALERTS_CHANNEL],
      });
    });

    it('acknowledges every listed alert from the digest button', async () => {
      const harness = await harnesses.start();
      const alertIds = await harness.alertFor([
        corpusEvent('iam.CreateUser.json'),
        corpusEvent('ec2.CreateVpc.json'),
      ]);
      await createDigestHandler(harness.env)({ kind: 'scheduled' }, lambdaContext());
      const digestMessage = harness.slack.messages(ALERTS_CHANNEL).at(-1);
      const actions = (digestMessage?.blocks ?? []).find((b) => b.type === 'actions') as
        | { elements?: { action_id?: string; value?: string }[] }
        | undefined;
      const value = actions?.elements?.find((e) => e.action_id === VIEW_IDS.digestAckAll)?.value ?? '';
      expect(value).not.toBe('');

      await harness.send(
        blockAction({ action_id: VIEW_IDS.digestAckAll, value }, BOB, ALERTS_CHANNEL, {
          messageTs: digestMessage?.ts ?? '',
        }),
        'lambda',
      );

      for (const alertId of alertIds)
        expect((await harness.store.alerts.get(alertId))?.acknowledgement?.userId).toBe(BOB.userId);
      expect(ephemeralText(harness, BOB.userId)).toEqual([expect.stringMatching(/Acknowledged 2/)]);
      // The digest itself says so, for everyone, and has no button left.
      const updated = digestOf(harness, digestMessage?.ts);
      expect(JSON.stringify(updated?.blocks)).not.toContain(VIEW_IDS.digestAckAll);
      expect(JSON.stringify(updated?.blocks)).toContain(`<@${BOB.userId}> acknowledged 2 alerts`);
      // Nothing is left for a later run to update.
      expect(await harness.store.digests.withButton(ALERTS_CHANNEL)).toEqual([]);
    });

    it('says on the digest that everything was acknowledged already when the button finds nothing open', async () => {
      const harness = await harnesses.start();
      const alertIds = await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
      await createDigestHandler(harness.env)({ kind: 'scheduled' }, lambdaContext());
      const digestMessage = harness.slack.messages(ALERTS_CHANNEL).at(-1);
      await harness.send(
        blockAction({ action_id: ACTION_IDS.acknowledge, value: alertIds[0] ?? '' }, ALICE, ALERTS_CHANNEL),
        'http',
      );

      await harness.send(
        blockAction(
          { action_id: VIEW_IDS.digestAckAll, value: ackAllValueOf(digestMessage) },
          BOB,
          ALERTS_CHANNEL,
          {
            messageTs: digestMessage?.ts ?? '',
          },
        ),
        'http',
      );

      const updated = digestOf(harness, digestMessage?.ts);
      expect(JSON.stringify(updated?.blocks)).not.toContain(VIEW_IDS.digestAckAll);
      expect(updated?.text).toMatch(/had been acknowledged already/);
    });

    it('takes the button off earlier digests whose alerts were all acknowledged one by one, before the next digest', async () => {
      const harness = await harnesses.start();
      const digest = createDigestHandler(harness.env);
      const [first = '', second = ''] = await harness.alertFor([
        corpusEvent('iam.CreateUser.json'),
        corpusEvent('ec2.CreateVpc.json'),
      ]);
      await digest({ kind: 'scheduled' }, lambdaContext());
      const done = harness.slack.messages(ALERTS_CHANNEL).at(-1);
      const [third = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
      const requested = (requestId: string) => ({
        'detail-type': 'InfraWatch Digest Requested',
        source: 'infrawatch',
        detail: { channel: ALERTS_CHANNEL, requestedBy: ALICE.userId, requestId },
      });
      await digest(requested('r1'), lambdaContext());
      const stillOpen = harness.slack.messages(ALERTS_CHANNEL).at(-1);
      for (const alertId of [first, second])
        await harness.send(
          blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL),
          'http',
        );

      await digest(requested('r2'), lambdaContext());

      expect(JSON.stringify(digestOf(harness, done?.ts)?.blocks)).not.toContain(VIEW_IDS.digestAckAll);
      expect(digestOf(harness, done?.ts)?.text).toMatch(/has been acknowledged/);
      // The later digest also lists the third alert, still open: it keeps its button.
      expect(JSON.stringify(digestOf(harness, stillOpen?.ts)?.blocks)).toContain(VIEW_IDS.digestAckAll);
      expect(third).not.toBe('');
    });

    it('keeps going when one channel fails, and the retry posts only the missing digest', async () => {
      const harness = await harnesses.start();
      await harness.store.config.subscribe('C0OTHER', ['iam'], ADMIN.userId, new Date().toISOString());
      await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
      harness.slack.failNext('chat.postMessage', { status: 500 });
      const digest = createDigestHandler(harness.env);

      await expect(digest({ kind: 'scheduled' }, lambdaContext())).rejects.toThrow(
        /digest failed for 1 of 2/,
      );
      const digests = () =>
        [ALERTS_CHANNEL, 'C0OTHER'].map(
          (c) => harness.slack.messages(c).filter((m) => /digest/i.test(m.text)).length,
        );
      expect(digests()).toEqual([0, 1]);

      await expect(digest({ kind: 'scheduled' }, lambdaContext())).resolves.toEqual({
        posted: [ALERTS_CHANNEL],
        quiet: ['C0OTHER'],
      });
      expect(digests()).toEqual([1, 1]);
    });

    it('posts the digest once when its answer was lost and the run is retried', async () => {
      // Prepare: the digest reaches Slack but is answered 504; busy channel chatter follows.
      const harness = await harnesses.start();
      await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
      harness.slack.failNext('chat.postMessage', { status: 504, afterApplying: true });
      const digest = createDigestHandler(harness.env);
      await expect(digest({ kind: 'scheduled' }, lambdaContext())).rejects.toThrow(/digest failed/);
      const chatter = standinWebClient(harness.slack, { token: BOT_TOKEN });
      for (let i = 0; i < 210; i++)
        await chatter.chat.postMessage({ channel: ALERTS_CHANNEL, text: `chatter ${i}` });

      // Act: Lambda retries the asynchronous invocation.
      const retry = await digest({ kind: 'scheduled' }, lambdaContext());

      // Assess
      expect(retry).toEqual({ posted: [ALERTS_CHANNEL], quiet: [] });
      const digests = harness.slack.messages(ALERTS_CHANNEL).filter((m) => /digest/i.test(m.text));
      expect(digests).toHaveLength(1);
      expect(await digest({ kind: 'scheduled' }, lambdaContext())).toEqual({
        posted: [],
        quiet: [ALERTS_CHANNEL],
      });
    });

    it('tells of events that could not be read in the last 24 hours, with the first reasons, even with nothing open', async () => {
      // Prepare: two events the events function had to reject (one carrying a mention in its bad field).
      const harness = await harnesses.start();
      await harness.store.config.bootstrap(ALERTS_CHANNEL, new Date().toISOString());
      const badTime = variant(corpusEvent('iam.CreateUser.json'), 1);
      badTime.detail.eventTime = '<!channel> not-a-date';
      await harness.alertFor([badTime, '{"not json']);

      // Act
      const result = await createDigestHandler(harness.env)({ kind: 'scheduled' }, lambdaContext());

      // Assess
      expect(result).toEqual({ posted: [ALERTS_CHANNEL], quiet: [] });
      const digest = JSON.stringify(harness.slack.messages(ALERTS_CHANNEL).at(-1)?.blocks);
      expect(digest).toContain('2 events could not be read');
      expect(digest).toContain('detail.eventTime is not an ISO-8601 time');
      expect(digest).toContain('body is not JSON');
      expect(digest).not.toContain('<!channel>');
    });

    it('posts nothing when nothing is open (scheduled), and an all-clear when asked', async () => {
      const harness = await harnesses.start();
      await harness.store.config.bootstrap(ALERTS_CHANNEL, new Date().toISOString());
      const digest = createDigestHandler(harness.env);
      expect(await digest({ kind: 'scheduled' }, lambdaContext())).toEqual({
        posted: [],
        quiet: [ALERTS_CHANNEL],
      });
      const requested = {
        'detail-type': 'InfraWatch Digest Requested',
        source: 'infrawatch',
        detail: { channel: ALERTS_CHANNEL, requestedBy: ALICE.userId, requestId: 'r1' },
      };
      expect(await digest(requested, lambdaContext())).toEqual({ posted: [ALERTS_CHANNEL], quiet: [] });
      expect(harness.slack.messages(ALERTS_CHANNEL).at(-1)?.text).toMatch(/Nothing open/i);
      expect(await digest({ hello: 'world' }, lambdaContext())).toBeUndefined();
    });
  });

  describe('request verification', () => {
    it.each(VIAS)(
      'rejects forged, stale, unsigned and foreign-team requests with no state change (%s)',
      async (via) => {
        const harness = await harnesses.start();
        const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
        const ack = blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL);
        const mute = slashCommand('mute cloudtrail for 30d', ALICE, ALERTS_CHANNEL);

        for (const body of [ack, mute]) {
          expect(
            (await harness.send(body, via, { headers: sign(body, { secret: 'not-the-secret' }) })).status,
          ).toBe(401);
          expect(
            (
              await harness.send(body, via, {
                headers: sign(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
              })
            ).status,
          ).toBe(401);
          expect(
            (
              await harness.send(body, via, {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              })
            ).status,
          ).toBe(401);
          const tampered = body.replace('ALICE', 'ADMIN');
          expect((await harness.send(tampered, via, { headers: sign(body) })).status).toBe(401);
        }
        const foreign = { ...ALICE, teamId: FOREIGN_TEAM_ID };
        const foreignAck = blockAction(
          { action_id: ACTION_IDS.acknowledge, value: alertId },
          foreign,
          ALERTS_CHANNEL,
        );
        expect((await harness.send(foreignAck, via)).status).toBe(401);
        expect(
          (await harness.send(slashCommand('mute cloudtrail for 30d', foreign, ALERTS_CHANNEL), via)).status,
        ).toBe(401);

        expect((await harness.store.alerts.get(alertId))?.acknowledgement).toBeUndefined();
        expect((await harness.store.config.load(new Date().toISOString())).mutes).toEqual([]);
        expect(harness.slack.ephemerals()).toEqual([]);
        expect(harness.eventbridge.events).toEqual([]);
      },
    );

    it.each(VIAS)(
      'checks the signature before parsing anything: unsigned or signed garbage never reaches Bolt (%s)',
      async (via) => {
        // Prepare: SLACK_TEAM_ID unset (the documented default), so no team check runs before Bolt would parse
        const harness = await harnesses.start({ env: { SLACK_TEAM_ID: undefined } });
        const form = { 'content-type': 'application/x-www-form-urlencoded' };
        const json = { 'content-type': 'application/json' };

        // Act
        const unsigned = [
          await harness.send('payload=%7Bnot-json', via, { headers: form }),
          await harness.send('{not json', via, { headers: json }),
          await harness.send('', via, { headers: json }),
        ];
        const signedGarbage = [
          await harness.send('payload=%7Bnot-json', via, { headers: sign('payload=%7Bnot-json') }),
          await harness.send('{not json', via, { headers: { ...sign('{not json'), ...json } }),
        ];

        // Assess
        expect(unsigned.map((r) => r.status)).toEqual([401, 401, 401]);
        expect(signedGarbage.map((r) => r.status)).toEqual([400, 400]);
        expect(harness.logs.filter((l) => l.level === 'error')).toEqual([]);
      },
    );

    it.each(VIAS)(
      'refuses other teams and team-less (org-level) requests with 401, with or without SLACK_TEAM_ID (%s)',
      async (via) => {
        for (const env of [{ SLACK_TEAM_ID: undefined }, {}]) {
          const harness = await harnesses.start({ env });
          const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
          const foreign = { ...ALICE, teamId: FOREIGN_TEAM_ID };
          const ack = blockAction(
            { action_id: ACTION_IDS.acknowledge, value: alertId },
            ALICE,
            ALERTS_CHANNEL,
          );
          const orgLevel = (() => {
            const payload = JSON.parse(new URLSearchParams(ack).get('payload') ?? '{}') as Record<
              string,
              unknown
            >;
            return new URLSearchParams({
              payload: JSON.stringify({
                ...payload,
                team: null,
                enterprise: { id: 'E0GRID', name: 'grid' },
                is_enterprise_install: true,
              }),
            }).toString();
          })();

          const statuses = [
            (await harness.send(slashCommand('mute cloudtrail for 30d', foreign, ALERTS_CHANNEL), via))
              .status,
            (
              await harness.send(
                blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, foreign, ALERTS_CHANNEL),
                via,
              )
            ).status,
            (await harness.send(orgLevel, via)).status,
          ];

          expect(statuses).toEqual([401, 401, 401]);
          expect((await harness.store.alerts.get(alertId))?.acknowledgement).toBeUndefined();
          expect((await harness.store.config.load(new Date().toISOString())).mutes).toEqual([]);
        }
      },
    );

    it.each(VIAS)('refuses timestamps more than 5 minutes from now, past or future (%s)', async (via) => {
      const harness = await harnesses.start();
      const now = Math.floor(Date.now() / 1000);
      const list = slashCommand('list', ALICE, ALERTS_CHANNEL);
      const at = async (timestamp: number) =>
        (await harness.send(list, via, { headers: sign(list, { timestamp }) })).status;

      expect(await at(now + 10 * 60)).toBe(401);
      expect(await at(now + 365 * 86400)).toBe(401);
      expect(await at(now + 5 * 60 + 30)).toBe(401);
      expect(await at(now - 5 * 60 - 30)).toBe(401);
      expect(await at(now + 4 * 60)).toBe(200);
      expect(await at(now - 4 * 60)).toBe(200);
    });

    it('acts once on a replayed signed command (same trigger_id), whichever receiver gets each copy', async () => {
      const harness = await harnesses.start();
      const body = slashCommand('mute cloudtrail for 30d', ALICE, ALERTS_CHANNEL, 'trigger-replayed');
      const headers = sign(body);

      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) => harness.send(body, VIAS[i % 2] ?? 'lambda', { headers })),
      );

      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const announcements = harness.slack.messages(ALERTS_CHANNEL).filter((m) => /muted/i.test(m.text));
      expect(announcements).toHaveLength(1);
      const replies = responses.map(replyText);
      expect(replies.filter((text) => text.startsWith('Done.'))).toHaveLength(1);
      expect(replies.filter((text) => /already received/.test(text))).toHaveLength(4);
      expect((await harness.store.config.load(new Date().toISOString())).mutes).toHaveLength(1);
    });

    it('acts and answers once on a replayed menu mute or refused click (same trigger_id), whichever receiver gets each copy', async () => {
      // Prepare: an alert acknowledged by alice, then the clicks whose copies an attacker might replay.
      const harness = await harnesses.start();
      const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
      const click = (who: typeof ALICE, action: Parameters<typeof blockAction>[0]) =>
        blockAction(action, who, ALERTS_CHANNEL, { triggerId: `trigger-${who.userId}-${action.action_id}` });
      const mute = click(ALICE, {
        action_id: ACTION_IDS.more,
        selected_option: { value: overflowValue(OVERFLOW_KINDS.muteWatch24h, alertId) },
      });
      const ackByAlice = click(ALICE, { action_id: ACTION_IDS.acknowledge, value: alertId });
      const ackByBob = click(BOB, { action_id: ACTION_IDS.acknowledge, value: alertId });

      // Act: each request three times, with the same signature.
      for (const body of [mute, ackByAlice, ackByBob]) {
        const headers = sign(body);
        for (const via of ['lambda', 'http', 'lambda'] as const) await harness.send(body, via, { headers });
      }

      // Assess
      const config = await harness.store.config.load(new Date().toISOString());
      expect(config.mutes).toHaveLength(1);
      expect(harness.slack.messages(ALERTS_CHANNEL).filter((m) => /muted/i.test(m.text))).toHaveLength(1);
      expect((await harness.store.alerts.get(alertId))?.acknowledgement?.userId).toBe(ALICE.userId);
      // Alice's own acknowledgement is on the message: her copies say nothing; bob hears once that it is done.
      expect(ephemeralText(harness, ALICE.userId)).toEqual([]);
      expect(ephemeralText(harness, BOB.userId)).toEqual([expect.stringMatching(/already acknowledged/i)]);
    });

    it('acts once on the same command from the same user within seconds (a double submit), not across users', async () => {
      const harness = await harnesses.start();
      const twice = ['lambda', 'http'] as const;

      for (const via of twice)
        await harness.send(slashCommand('mute cloudtrail for 30d', ALICE, ALERTS_CHANNEL), via);
      await harness.send(slashCommand('Mute  CloudTrail for 30d', ALICE, ALERTS_CHANNEL), 'lambda');
      await harness.send(slashCommand('mute cloudtrail for 30d', BOB, ALERTS_CHANNEL), 'http');
      await harness.send(slashCommand('mute cloudtrail for 2h', ALICE, ALERTS_CHANNEL), 'lambda');

      const announcements = harness.slack.messages(ALERTS_CHANNEL).filter((m) => /muted/i.test(m.text));
      expect(announcements.map((m) => m.text)).toEqual([
        expect.stringMatching(/<@U0ALICE>/),
        expect.stringMatching(/<@U0BOB>/),
        expect.stringMatching(/<@U0ALICE>/),
      ]);
    });

    it('refuses a click on an alert from another channel (a copied or forwarded button)', async () => {
      const harness = await harnesses.start();
      const [alertId = ''] = await harness.alertFor([corpusEvent('cloudtrail.DeleteTrail.json')]);
      const elsewhere = (actionId: string, value: string) =>
        blockAction({ action_id: actionId, value }, ALICE, 'C0OTHER', {
          triggerId: harness.slack.issueTriggerId({ userId: ALICE.userId }),
        });
      await harness.send(elsewhere(ACTION_IDS.acknowledge, alertId), 'lambda');
      await harness.send(elsewhere(ACTION_IDS.investigate, alertId), 'http');
      await harness.send(
        blockAction(
          {
            action_id: ACTION_IDS.more,
            selected_option: { value: overflowValue(OVERFLOW_KINDS.muteWatch24h, alertId) },
          },
          ALICE,
          'C0OTHER',
        ),
        'lambda',
      );
      const alert = await harness.store.alerts.get(alertId);
      expect(alert?.acknowledgement).toBeUndefined();
      expect(alert?.investigation).toBeUndefined();
      expect((await harness.store.config.load(new Date().toISOString())).mutes).toEqual([]);
      expect(harness.slack.views()).toEqual([]);
      expect(ephemeralText(harness, ALICE.userId)).toHaveLength(3);
    });

    it('accepts non-ASCII command text delivered base64-encoded by a Function URL', async () => {
      const harness = await harnesses.start();
      // The text as raw UTF-8 bytes (percent-encoded ASCII would decode the same under any charset).
      const text = 'mute actor:José account:prod for 1h';
      const body = slashCommand(text, ALICE, ALERTS_CHANNEL).replace(
        /(^|&)text=[^&]*/,
        `$1text=${text.replace(/ /g, '+')}`,
      );
      expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(body.length);
      const response = await harness.send(body, 'lambda', { base64: true });
      expect(response.status).toBe(200);
      expect((await harness.store.config.load(new Date().toISOString())).mutes).toMatchObject([
        { type: 'actor', value: 'josé', account: 'prod' },
      ]);
    });
  });
});
