import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSweepHandler } from '../../app/lambda/sweep';
import { ACTOR_DENIED_METADATA_TYPE, ACTOR_QUESTION_METADATA_TYPE } from '../../app/slack/actor-messenger';
import { ESCALATION_STEP_METADATA_TYPE } from '../../app/slack/alert-messenger';
import { ACTOR_ANSWERED_DETAIL_TYPE } from '../../src/use-cases/actor-check';
import { ACTOR_CHECK_ACTION_IDS } from '../../src/views';
import { type EventBridgeEvent, lambdaContext } from '../helpers/events';
import { ALERTS_CHANNEL, ALICE, BOB, useSlackHarness } from '../helpers/slack-app';
import { blockAction } from '../helpers/slack-requests';
import { DYNAMODB_ENGINES } from '../helpers/stores';

/*
 * "Was this you?" through the Lambda entries as deployed: the events handler asks (users.lookupByEmail,
 * conversations.open, chat.postMessage to the DM, against the Slack stand-in), the Slack handler takes the
 * signed button click through AwsLambdaReceiver, the sweep sends the escalation a "No" made due at once.
 */

const SAMPLE = join(__dirname, '../../app/local/samples/iam.CreateAccessKey.sso-alice.json');
const sample = (): EventBridgeEvent => JSON.parse(readFileSync(SAMPLE, 'utf8')) as EventBridgeEvent;
const DM = `D${ALICE.userId}`;

const markedWith = (eventType: string) => (m: { metadata?: unknown }) =>
  (m.metadata as { event_type?: string } | undefined)?.event_type === eventType;

describe.each(DYNAMODB_ENGINES)('"Was this you?" end to end on %s', (engine) => {
  const harnesses = useSlackHarness(engine);

  it('asks alice once (also after a lost answer), takes only her "No", pings the channel once and escalates now', async () => {
    // Prepare: the alert is posted while the channel does not ask, so the DM is the next chat.postMessage.
    const harness = await harnesses.start();
    const { slack, store } = harness;
    await store.config.putActorCheck(ALERTS_CHANNEL, { ask: false }, 'U0ADMIN', new Date().toISOString());
    const [alertId = ''] = await harness.alertFor([sample()]);
    expect(slack.messages(DM)).toHaveLength(0);
    await store.config.putActorCheck(ALERTS_CHANNEL, { ask: true }, 'U0ADMIN', new Date().toISOString());

    // Act: the DM reaches Slack but its answer is lost; SQS delivers the change again, twice.
    slack.failNext('chat.postMessage', { status: 500, afterApplying: true });
    await expect(harness.alertFor([sample()])).rejects.toThrow(/seeding the alert failed/);
    await harness.alertFor([sample()]);
    await harness.alertFor([sample()]);

    // Assess: one DM, with the change and both buttons, found again instead of sent twice.
    const dms = slack.messages(DM).filter(markedWith(ACTOR_QUESTION_METADATA_TYPE));
    expect(dms).toHaveLength(1);
    const dm = dms[0];
    expect(dm?.text).toContain('Was this you?');
    expect(JSON.stringify(dm?.blocks)).toContain(
      'created access key AKIAEXAMPLEALICE0001 for user deploy-bot',
    );
    expect(slack.callsTo('users.lookupByEmail').map((call) => call.args.email)).toContain(
      'alice@example.com',
    );

    // Act: bob clicks alice's "No" (a forwarded message); then alice answers, twice.
    const click = (who: typeof ALICE, channel: string) =>
      harness.send(
        blockAction({ action_id: ACTOR_CHECK_ACTION_IDS.no, value: alertId }, who, channel, {
          messageTs: dm?.ts ?? '',
        }),
        'lambda',
      );
    expect((await click(BOB, `D${BOB.userId}`)).status).toBe(200);
    expect((await store.alerts.get(alertId))?.actorCheck?.answer).toBeUndefined();
    expect(slack.ephemerals({ user: BOB.userId }).map((e) => e.text)).toEqual([
      expect.stringContaining('Only the person InfraWatch asked'),
    ]);
    expect((await click(ALICE, DM)).status).toBe(200);
    expect((await click(ALICE, DM)).status).toBe(200);

    // Assess: recorded once, critical, the channel told once (broadcast in the alert's thread), the DM answered.
    const alert = await store.alerts.get(alertId);
    expect(alert).toMatchObject({
      severity: 'critical',
      actorCheck: { userId: ALICE.userId, answer: { answer: 'no', userId: ALICE.userId, userName: 'alice' } },
    });
    const replies = slack.replies(ALERTS_CHANNEL, alert?.message?.ts ?? '');
    const denied = replies.filter(markedWith(ACTOR_DENIED_METADATA_TYPE));
    expect(denied).toHaveLength(1);
    expect(denied[0]?.text).toMatch(/^🚨 <@U0ALICE> says this change was not theirs/);
    // Broadcast: the whole channel sees it, not only the thread (the stand-in keeps the call's arguments).
    const deniedCall = slack
      .callsTo('chat.postMessage')
      .find((call) => JSON.stringify(call.args.metadata).includes(ACTOR_DENIED_METADATA_TYPE));
    expect(String(deniedCall?.args.reply_broadcast)).toBe('true');
    expect(JSON.stringify(slack.message(ALERTS_CHANNEL, alert?.message?.ts ?? '')?.blocks)).toContain(
      'says this change was not theirs (raised to critical)',
    );
    const answeredDm = slack.message(DM, dm?.ts ?? '');
    expect(JSON.stringify(answeredDm?.blocks)).not.toContain(ACTOR_CHECK_ACTION_IDS.no);
    expect(JSON.stringify(answeredDm?.blocks)).toContain("You said this wasn't you");
    const answered = harness.eventbridge.events.filter(
      (e) => e['detail-type'] === ACTOR_ANSWERED_DETAIL_TYPE,
    );
    expect(answered).toHaveLength(1);
    expect(answered[0]?.detail).toMatchObject({
      alertId,
      answer: 'no',
      answeredBy: { userId: ALICE.userId },
    });

    // Act / Assess: the sweep right now sends the first escalation step (due at once, not in 15 minutes).
    const sweep = createSweepHandler(harness.env, { log: { info() {}, warn() {}, error() {} } });
    expect(await sweep({}, lambdaContext())).toMatchObject({ stepsSent: 1 });
    expect(
      slack
        .replies(ALERTS_CHANNEL, alert?.message?.ts ?? '')
        .filter(markedWith(ESCALATION_STEP_METADATA_TYPE)),
    ).toHaveLength(1);
  }, 120_000);

  it('"Yes" shows on the alert without acknowledging it', async () => {
    const harness = await harnesses.start();
    const [alertId = ''] = await harness.alertFor([sample()]);
    const dm = harness.slack.messages(DM).find(markedWith(ACTOR_QUESTION_METADATA_TYPE));

    const response = await harness.send(
      blockAction({ action_id: ACTOR_CHECK_ACTION_IDS.yes, value: alertId }, ALICE, DM, {
        messageTs: dm?.ts ?? '',
      }),
      'lambda',
    );

    expect(response.status).toBe(200);
    const alert = await harness.store.alerts.get(alertId);
    expect(alert).toMatchObject({ severity: 'warning', actorCheck: { answer: { answer: 'yes' } } });
    expect(alert?.acknowledgement).toBeUndefined();
    expect(JSON.stringify(harness.slack.message(ALERTS_CHANNEL, alert?.message?.ts ?? '')?.blocks)).toContain(
      '☑ confirmed by <@U0ALICE> (the actor)',
    );
  }, 120_000);
});
