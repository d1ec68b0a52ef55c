/**
 * Acknowledge through the real Slack Lambda handler (AwsLambdaReceiver, signature check, the Bolt app,
 * DynamoDB, the Slack and EventBridge stand-ins).
 *
 * On Lambda every concurrent click gets its own container, so what a user waits for is the click's own
 * round trips: the headline figures are counts (DynamoDB requests and sequential steps per winning click and
 * per repeat click, Slack calls), and the timing is one click at a time against one GetItem on the same
 * engine, in interleaved rounds. The 50-concurrent figure is kept, labelled for what it is on a 2-core
 * machine: the CPU running out, not the product.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { blockAction } from '../app/local/slack-requests';
import { TABLE } from '../src/store/table';
import { ACTION_IDS } from '../src/views/actions';
import { type ClickCost, concurrently, costOf, noopClicks } from './clicks';
import { formatOperations, preciseNow } from './counting';
import { actorOf, type BenchContext, burst, CHANNEL, fixture, startRig } from './harness';
import { figureReport, percentile, type Report } from './measure';
import { completeFigure, countedFigure, type Figure, formatNumber, median, ratioFigure } from './report';

const CONCURRENCY = 50;
/** Consistent GetItems timed beside each timed click (the latency ratio's baseline). */
const GETS_PER_CLICK = 2;

export async function runAckBench(context: BenchContext): Promise<Report> {
  const rounds = context.quick ? 5 : 9;
  const clicksPerRound = context.quick ? 6 : 10;
  const concurrentClicks = context.quick ? CONCURRENCY : 200;
  const repeatClicks = 10;
  const winning = rounds * clicksPerRound + 1;
  const engine = await context.engine();
  const rig = await startRig(engine, { users: Math.max(concurrentClicks, winning) });
  const plain = engine.client();
  try {
    // One alert per actor, each its own message, posted by the real events handler.
    const events = burst(fixture('iam.CreateAccessKey.json'), {
      count: winning + concurrentClicks,
      spacingMs: 1000,
      actors: winning + concurrentClicks,
      startMs: Date.now() - 3_600_000,
    });
    await rig.deliver(events, { batchSize: 10, pollers: 1 });
    await rig.settle();
    const alerts = rig.alerts();
    if (alerts.length !== events.length)
      throw new Error(`expected ${events.length} alerts, got ${alerts.length}`);
    /** What alert `index`'s Acknowledge button carries now (its id and the revision its message shows). */
    const buttonValue = (index: number) => {
      const alert = alerts[index];
      const message = rig.slack.messages(CHANNEL).find((m) => m.ts === alert?.ts);
      const button = new RegExp(`"action_id":"${ACTION_IDS.acknowledge}"[^\\]]*?"value":"([^"]+)"`);
      return button.exec(JSON.stringify(message?.blocks ?? []))?.[1] ?? alert?.alertId ?? '';
    };
    /** User `by` clicks Acknowledge on alert `index`, as its message shows it. */
    const click = async (index: number, by: number) => {
      const alert = alerts[index];
      const body = blockAction(
        { action_id: ACTION_IDS.acknowledge, value: buttonValue(index) },
        actorOf(rig, by),
        CHANNEL,
        { messageTs: alert?.ts ?? '1.000000' },
      );
      return costOf(rig, await rig.click(body));
    };
    const getAlert = async (index: number) => {
      const start = preciseNow();
      const { Item } = await plain.send(
        new GetItemCommand({
          TableName: rig.tableName,
          Key: {
            [TABLE.partitionKey]: { S: `ALERT#${alerts[index]?.alertId}` },
            [TABLE.sortKey]: { S: 'ALERT' },
          },
          ConsistentRead: true,
        }),
      );
      if (!Item) throw new Error('the GetItem baseline found no alert item (has the key layout changed?)');
      return preciseNow() - start;
    };

    // Warm-up, outside every figure: the first click builds the Bolt app (the Lambda cold start).
    await click(0, 0);
    await getAlert(0);

    // Interleaved rounds, click by click: each click sits between GetItems (two before, two after, on
    // alternating sides), so whatever load the shared machine is under moves both sides of the ratio alike.
    const latencyRounds: { value: number; baseline: number }[] = [];
    const handlerRounds: { value: number; baseline: number }[] = [];
    const wins: ClickCost[] = [];
    let next = 1;
    for (let round = 0; round < rounds; round++) {
      const gets: number[] = [];
      const clicks: number[] = [];
      const answers: number[] = [];
      for (let i = 0; i < clicksPerRound; i++, next++) {
        const getFirst = (round + i) % 2 === 0;
        for (let g = 0; getFirst && g < GETS_PER_CLICK; g++) gets.push(await getAlert(next));
        const cost = await click(next, next);
        wins.push(cost);
        clicks.push(cost.msToUpdate);
        answers.push(cost.ms);
        for (let g = 0; !getFirst && g < GETS_PER_CLICK; g++) gets.push(await getAlert(next));
      }
      latencyRounds.push({ value: median(clicks), baseline: median(gets) });
      handlerRounds.push({ value: median(answers), baseline: median(gets) });
    }

    // Repeat clicks: another user on an alert that is already acknowledged.
    const repeats: ClickCost[] = [];
    for (let i = 0; i < repeatClicks; i++) repeats.push(await click(1 + i, next + i));

    // 50 at a time in one process: the no-op Bolt action and distinct winning clicks, same concurrency.
    const noop = noopClicks(rig);
    await noop(0);
    const baseline = await concurrently(concurrentClicks, CONCURRENCY, noop);
    const concurrent = await concurrently(concurrentClicks, CONCURRENCY, (i) =>
      click(winning + i, winning + i),
    );
    const published = rig.eventbridge.events.length;

    const [win, repeat] = [wins[0], repeats[0]];
    const figures: Figure[] = [
      countedFigure(
        {
          name: 'ack.dynamodb.requests',
          label: 'DynamoDB requests per winning Acknowledge',
          unit: 'requests',
          target: '<= 6',
          headline: true,
        },
        wins.map((w) => w.dynamodb.requests),
        win && formatOperations(win.dynamodb.byOperation),
      ),
      countedFigure(
        {
          name: 'ack.dynamodb.sequential',
          label: 'Sequential DynamoDB steps before the Slack update, winning Acknowledge',
          unit: 'steps',
          target: '<= 3',
          headline: true,
        },
        wins.map((w) => w.sequentialBeforeUpdate),
      ),
      countedFigure(
        {
          name: 'ack.dynamodb.sequential.total',
          label: 'Sequential DynamoDB steps in the whole winning click',
          unit: 'steps',
        },
        wins.map((w) => w.dynamodb.sequential),
      ),
      countedFigure(
        { name: 'ack.slack.calls', label: 'Slack calls per winning Acknowledge', unit: 'calls' },
        wins.map((w) => w.slackCalls),
        win && formatOperations(win.slack),
      ),
      countedFigure(
        {
          name: 'ack.repeat.dynamodb.requests',
          label: 'DynamoDB requests per click on an already acknowledged alert',
          unit: 'requests',
          target: '<= 1',
          headline: true,
          gap: 'the second request is the replay guard: a click answered "already acknowledged" first claims its trigger_id, so a replayed or retried request is not answered twice (an ephemeral answer cannot be found again after a lost answer). The claim cannot ride on the refused write: a refused conditional UpdateItem writes nothing, and one update expression that recorded the claim on the alert for every click would also have to add a revision for the winner only (renders key on it), which an update expression cannot branch on; dynalite has no transactions. Dropping the claim meets the target and loses that guarantee.',
        },
        repeats.map((r) => r.dynamodb.requests),
        repeat && formatOperations(repeat.dynamodb.byOperation),
      ),
      countedFigure(
        {
          name: 'ack.repeat.slack.calls',
          label: 'Slack calls per click on an acknowledged alert',
          unit: 'calls',
        },
        repeats.map((r) => r.slackCalls),
        repeat && formatOperations(repeat.slack),
      ),
      ratioFigure(
        {
          name: 'ack.latency.ratio',
          label:
            'Acknowledge until the message shows it (its chat.update reaches Slack), one click at a time, vs one GetItem on the same engine',
          unit: 'ms',
          target: 'ratio <= 6',
          headline: true,
          gap: "the path is 2 sequential DynamoDB steps (the acknowledgement; the render lease beside the GetItem of the lead change, the lines taken from the summary on the alert) and the chat.update, 4 requests before it against the baseline's 1. A CPU profile of the click spreads the rest thinly: per request the SDK's serializing and signing and the kernel's loopback writes, then Bolt, zod decoding and the Web API client, on the same 2 cores as DynamoDB Local and the Slack stand-in. The rounds' spread straddles the target; what is left is not round trips.",
          note: `median of ${clicksPerRound} clicks vs median of the ${clicksPerRound * GETS_PER_CLICK} consistent GetItems of the alert timed between them, per round; ${rounds} rounds. Timed from the signed request entering the handler to the stand-in receiving chat.update: what the clicker waits for`,
        },
        latencyRounds,
      ),
      ratioFigure(
        {
          name: 'ack.answer.ratio',
          label: 'Acknowledge until the handler answers Slack, one click at a time, vs one GetItem',
          unit: 'ms',
          note: "the whole invocation: the render's last write, the event, the burst and escalation run after the update but before the answer (on Lambda nothing may run after it); bounded by Slack's 3-second budget, not watched by the clicker",
        },
        handlerRounds,
      ),
      completeFigure({
        name: 'ack.concurrent50.p50.ratio',
        label: `Acknowledge, ${concurrentClicks} clicks ${CONCURRENCY} at a time in one process (CPU-bound on this machine)`,
        unit: 'ms',
        value: percentile(concurrent, 50),
        baseline: percentile(baseline, 50),
        note: `p50 vs a no-op Bolt action at the same concurrency; p99 ${formatNumber(percentile(concurrent, 99))} ms vs ${formatNumber(percentile(baseline, 99))} ms. On Lambda each click has its own container: this measures 2 shared cores, not the product`,
      }),
      completeFigure({
        name: 'ack.eventbridge.missing',
        label: 'Acknowledgement events not published (one per winning click)',
        unit: 'events',
        value: wins.length + 1 + concurrentClicks - published,
        target: '= 0',
        count: true,
      }),
    ];
    return figureReport(
      `Acknowledge through the Slack Lambda handler (${rounds} interleaved rounds, ${wins.length} counted winning clicks)`,
      figures,
    );
  } finally {
    plain.destroy();
    await rig.close();
  }
}
