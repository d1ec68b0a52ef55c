/**
 * Lost answers, deterministically: Slack does the work and the answer never comes back (a 504 from the
 * gateway after the post), for a post, an escalation reply, a digest and an acknowledgement's chat.update,
 * each followed by more than 200 other messages (a busy channel, a busy thread) before the retry. Each must be
 * found again, never sent twice.
 */
import { createDigestHandler } from '../../app/lambda/digest';
import { createEventsHandler } from '../../app/lambda/events';
import { lambdaContext } from '../../app/local/lambda-invocation';
import { ESCALATION_METADATA_TYPE } from '../../app/slack/alert-messenger';
import { DIGEST_METADATA_TYPE } from '../../app/slack/digest-messenger';
import { ACTION_IDS } from '../../src/views/actions';
import { sqsBatch } from '../helpers/events';
import { BOT_TOKEN } from '../helpers/pipeline';
import { ALERTS_CHANNEL, ALICE, useSlackHarness } from '../helpers/slack-app';
import { blockAction } from '../helpers/slack-requests';
import { standinWebClient } from '../helpers/slack-standin-client';
import { DYNAMODB_ENGINES } from '../helpers/stores';
import { alertMessages } from './audit';
import { deliverUntilDone, reportFigures } from './harness';
import { escalatingBursts } from './workload';

const LOST = { status: 504, afterApplying: true } as const;
const CHATTER = 250;

describe.each(DYNAMODB_ENGINES)('lost answers on %s', (engine) => {
  const harnesses = useSlackHarness(engine);

  it('finds a post, an escalation reply, a digest and an acknowledgement update again after 250 later messages', async () => {
    // Prepare: the real events, digest and Slack functions on one table; a client for the channel's chatter.
    const harness = await harnesses.start();
    const events = createEventsHandler(harness.env, { log: { info() {}, warn() {}, error() {} } });
    const digest = createDigestHandler(harness.env);
    const chatter = standinWebClient(harness.slack, { token: BOT_TOKEN });
    const chat = async (threadTs?: string) => {
      for (let i = 0; i < CHATTER; i++)
        await chatter.chat.postMessage({
          channel: ALERTS_CHANNEL,
          text: `chatter ${i}`,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
    };
    const { quiet, critical } = escalatingBursts(1);
    const figures = { lostAnswers: 0, retries: 0 };

    // Act 1: the alert's post is answered 504 after Slack posted it; 250 messages follow; SQS redelivers.
    harness.slack.failNext('chat.postMessage', LOST);
    figures.lostAnswers += 1;
    const first = await events(sqsBatch(quiet), lambdaContext());
    if (first?.batchItemFailures.length !== quiet.length) throw new Error('the lost post was not retried');
    await chat();
    figures.retries += (
      await deliverUntilDone({ handlers: [events], bodies: quiet, batchSize: 10, concurrency: 1 })
    ).invocations;
    const [alertId = '', ...others] = [...alertMessages(harness.slack, ALERTS_CHANNEL).keys()];
    const ts = alertMessages(harness.slack, ALERTS_CHANNEL).get(alertId)?.[0] ?? '';

    // Act 2: the critical change's broadcast reply is answered 504 after it was posted; 250 replies in the
    // thread and 250 messages in the channel follow; SQS redelivers.
    harness.slack.failNext('chat.postMessage', LOST);
    figures.lostAnswers += 1;
    const raised = await events(sqsBatch(critical), lambdaContext());
    if (raised?.batchItemFailures.length !== 1) throw new Error('the lost escalation reply was not retried');
    await chat(ts);
    await chat();
    figures.retries += (
      await deliverUntilDone({ handlers: [events], bodies: critical, batchSize: 10, concurrency: 1 })
    ).invocations;

    // Act 3: the digest is answered 504 after it was posted (the run throws: Scheduler retries); 250 messages.
    harness.slack.failNext('chat.postMessage', LOST);
    figures.lostAnswers += 1;
    const lostDigest = await digest({ kind: 'scheduled' }, lambdaContext()).then(
      () => 'answered',
      () => 'thrown',
    );
    await chat();
    const digestRetry = await digest({ kind: 'scheduled' }, lambdaContext());
    figures.retries += 1;

    // Act 4: Acknowledge; chat.update is applied but every answer (the client's three tries) is lost. The
    // next events invocation repairs the message.
    harness.slack.failNext('chat.update', LOST, 3);
    figures.lostAnswers += 3;
    const click = await harness.send(
      blockAction({ action_id: ACTION_IDS.acknowledge, value: alertId }, ALICE, ALERTS_CHANNEL, {
        messageTs: ts,
      }),
      'lambda',
    );
    await chat();
    await deliverUntilDone({ handlers: [events], bodies: quiet.slice(0, 1), batchSize: 10, concurrency: 1 });

    // Assess
    const problems: string[] = [];
    let lost = 0;
    let duplicates = 0;
    const count = (what: string, found: number) => {
      if (found === 0) lost += 1;
      if (found > 1) duplicates += found - 1;
      if (found !== 1) problems.push(`${what}: ${found} in Slack`);
    };
    const messages = harness.slack.messages(ALERTS_CHANNEL);
    const marked = (type: string) =>
      messages.filter((m) => (m.metadata as { event_type?: string } | undefined)?.event_type === type).length;
    count('alert message', alertMessages(harness.slack, ALERTS_CHANNEL).get(alertId)?.length ?? 0);
    if (others.length > 0) problems.push(`other alert messages: ${others.join(', ')}`);
    count('escalation reply', marked(ESCALATION_METADATA_TYPE));
    count('digest', marked(DIGEST_METADATA_TYPE));
    if (lostDigest !== 'thrown') problems.push('the digest whose answer was lost did not ask for a retry');
    // The retry reports the digest it found as posted; Slack's count above is what matters.
    if (!digestRetry?.posted.includes(ALERTS_CHANNEL))
      problems.push("the digest's retry did not find the digest");
    if (click.status !== 200) problems.push(`the click was answered ${click.status}`);
    const alert = await harness.store.alerts.get(alertId);
    if (alert?.acknowledgement?.userId !== ALICE.userId)
      problems.push('the acknowledgement was not recorded');
    const shown = JSON.stringify(harness.slack.message(ALERTS_CHANNEL, ts)?.blocks);
    if (!shown.includes(`Acknowledged by <@${ALICE.userId}>`) || shown.includes(ACTION_IDS.acknowledge)) {
      lost += 1;
      problems.push('the message does not show the acknowledgement');
    }
    if (alert?.message?.ts !== ts) problems.push(`the alert points at ${alert?.message?.ts}, not ${ts}`);

    reportFigures(
      `lost answers (${engine})`,
      {
        ...figures,
        laterMessages: messages.length - 3,
        posts: harness.slack.callsTo('chat.postMessage').length,
        updates: harness.slack.callsTo('chat.update').length,
        historyCalls: harness.slack.callsTo('conversations.history').length,
        repliesCalls: harness.slack.callsTo('conversations.replies').length,
        lost,
        duplicates,
      },
      problems,
    );
  }, 300_000);
});
