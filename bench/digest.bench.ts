/**
 * The daily digest through the real digest Lambda handler: Slack calls per digest (a link to each alert must
 * not cost a call per alert) and the digest's read units against a Scan of the same table (the sparse
 * open-alerts index reads what is open, not what the table holds), counted by the SDK middleware.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { blockAction } from '../app/local/slack-requests';
import { capacityOf, formatOperations, summarize } from './counting';
import { actorOf, type BenchContext, burst, CHANNEL, callsByMethod, fixture, startRig } from './harness';
import { figureReport, type Report } from './measure';
import { completeFigure, type Figure } from './report';

/** Open and acknowledged alerts in the digest's channel (fewer in a quick run: the targets do not scale). */
const SIZE = { full: 50, quick: 20 };

export async function runDigestBench(context: BenchContext): Promise<Report> {
  const OPEN = context.quick ? SIZE.quick : SIZE.full;
  const ACKNOWLEDGED = OPEN;
  const engine = await context.engine();
  const rig = await startRig(engine, { users: OPEN + ACKNOWLEDGED });
  const plain = engine.client();
  try {
    // One alert per actor within the digest's window; half of them acknowledged through the Slack handler.
    const events = burst(fixture('iam.CreateAccessKey.json'), {
      count: OPEN + ACKNOWLEDGED,
      spacingMs: 10_000,
      actors: OPEN + ACKNOWLEDGED,
      startMs: Date.now() - 2 * 3_600_000,
    });
    await rig.deliver(events, { batchSize: 10, pollers: 1 });
    await rig.settle();
    const alerts = rig.alerts();
    if (alerts.length !== events.length)
      throw new Error(`expected ${events.length} alerts, got ${alerts.length}`);
    for (const [i, alert] of alerts.slice(0, ACKNOWLEDGED).entries()) {
      await rig.click(
        blockAction({ action_id: 'infrawatch_ack', value: alert.alertId }, actorOf(rig, i), CHANNEL, {
          messageTs: alert.ts,
        }),
      );
    }

    const run = await rig.digest();
    if (!run.posted.includes(CHANNEL)) throw new Error(`the digest posted nothing to ${CHANNEL}`);
    const slack = callsByMethod(rig.slackCallsDuring(run).filter((call) => call.method !== 'auth.test'));
    const slackCalls = Object.values(slack).reduce((a, b) => a + b, 0);
    const dynamodb = summarize(rig.recorder.of(run.scope));

    let scanRcu = 0;
    let ExclusiveStartKey: Record<string, never> | undefined;
    do {
      const page = await plain.send(
        new ScanCommand({ TableName: rig.tableName, ReturnConsumedCapacity: 'TOTAL', ExclusiveStartKey }),
      );
      scanRcu += capacityOf('Scan', page.ConsumedCapacity).rcu;
      ExclusiveStartKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (ExclusiveStartKey);

    const figures: Figure[] = [
      completeFigure({
        name: 'digest.slack.calls',
        label: `Slack calls for one channel's digest of ${OPEN} open alerts`,
        unit: 'calls',
        value: slackCalls,
        target: '<= 2',
        count: true,
        headline: true,
        note: `${formatOperations(slack)}; target: the post (and at most one look-up to find it again), no chat.getPermalink per alert`,
      }),
      completeFigure({
        name: 'digest.slack.getPermalink',
        label: 'chat.getPermalink calls per digest',
        unit: 'calls',
        value: slack['chat.getPermalink'] ?? 0,
        target: '= 0',
        count: true,
      }),
      completeFigure({
        name: 'digest.rcu',
        label: `Digest read units vs a Scan of the table (${OPEN} open, ${ACKNOWLEDGED} acknowledged alerts)`,
        unit: 'RCU',
        value: dynamodb.rcu,
        baseline: scanRcu,
        count: true,
        target: 'ratio <= 0.5',
        headline: true,
        note: `${dynamodb.requests} DynamoDB requests (${formatOperations(dynamodb.byOperation)}), ${dynamodb.sequential} sequential steps. Target: at most half a Scan even here, where the digest's channel is the whole table (an index's worst case); the digest reads the channel's open-alert and by-channel index entries (charged by their bytes), so on a table of many channels and months of history its cost stays while a Scan's grows`,
      }),
    ];
    return figureReport(
      `Digest through the digest handler (${OPEN} open and ${ACKNOWLEDGED} acknowledged alerts in one channel)`,
      figures,
    );
  } finally {
    plain.destroy();
    await rig.close();
  }
}
