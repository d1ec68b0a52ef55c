/**
 * Duplicates and reordering: SQS delivers every message at least once and in no particular order, to several
 * containers at once. 500+ CloudTrail events built from the fixtures, each sent 1–3 times, shuffled, in
 * concurrent batches over four handler instances: every change must be stored once, be one line of one alert
 * in every channel that should see it, and that alert one message.
 */
import { usePipeline } from '../helpers/pipeline';
import { DYNAMODB_ENGINES } from '../helpers/stores';
import { auditDeliveries } from './audit';
import { deliverUntilDone, randomFor, reportFigures, retryCauses, shuffle } from './harness';
import { expectedChannels, fixtureEvents, SUBSCRIPTIONS } from './workload';

describe.each(DYNAMODB_ENGINES)('duplicates and reordering on %s', (engine) => {
  const pipelines = usePipeline(engine);

  it('stores, lines and posts every change once per channel, whatever SQS delivers twice or out of order', async () => {
    // Prepare: 520 events, each delivered 1–3 times, shuffled.
    const random = randomFor(`duplicates/${engine}`);
    const pipeline = await pipelines.start();
    for (const [channel, watches] of Object.entries(SUBSCRIPTIONS))
      await pipeline.store.config.subscribe(channel, watches, 'U0ADMIN', new Date().toISOString());
    const events = fixtureEvents(random, 520);
    const bodies = shuffle(
      random,
      events.flatMap((event) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => event)),
    );

    // Act: batches of 50 (as deployed), four at a time, over four containers.
    const handlers = [pipeline.handler, pipeline.instance(), pipeline.instance(), pipeline.instance()];
    const queue = await deliverUntilDone({ handlers, bodies, batchSize: 50, concurrency: 4 });

    // Assess
    const audit = await auditDeliveries(pipeline.store, pipeline.slack, expectedChannels(events));
    reportFigures(
      `duplicates and reordering (${engine})`,
      {
        events: events.length,
        ...queue,
        deliveriesExpected: audit.expected,
        alerts: audit.alerts,
        posts: audit.posts,
        postCalls: pipeline.slack.callsTo('chat.postMessage').length,
        updateCalls: pipeline.slack.callsTo('chat.update').length,
        ...retryCauses(pipeline.logs),
        lost: audit.lost + queue.undelivered,
        duplicates: audit.duplicates,
      },
      audit.problems,
    );
  }, 400_000);
});
