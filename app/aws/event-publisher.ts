import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { INFRAWATCH_EVENT_SOURCE } from '../../src/events/infrawatch-events';
import type { EventPublisher } from '../../src/use-cases/acknowledge';
import { AppError } from '../errors';
import { awsClientConfig } from './clients';

/** The `source` of every event InfraWatch publishes. */
export const EVENT_SOURCE = INFRAWATCH_EVENT_SOURCE;

export class EventPublishError extends AppError {
  readonly code = 'EventPublish';
}

/**
 * Publishes InfraWatch's own events (acknowledgements, digest requests) to an EventBridge bus with PutEvents.
 * PutEvents answers 200 even when an entry failed: the per-entry result is checked.
 */
export function createEventPublisher(
  client: () => Promise<EventBridgeClient>,
  eventBusName: string,
): EventPublisher {
  return {
    async publish(detailType, detail) {
      const [eventbridge, { PutEventsCommand }] = await Promise.all([client(), loadEventBridgeSdk()]);
      const output = await eventbridge.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: EVENT_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
              EventBusName: eventBusName,
            },
          ],
        }),
      );
      const entry = output.Entries?.[0];
      if ((output.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
        throw new EventPublishError(
          `PutEvents rejected '${detailType}': ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
        );
      }
    },
  };
}

const loadEventBridgeSdk = () => import('@aws-sdk/client-eventbridge');

/**
 * The EventBridge client, loaded and built on the first publish: most Slack requests publish nothing, and
 * loading the SDK client would add ~10 ms to every cold start of the Slack function.
 */
export function lazyEventBridgeClient(endpoint?: string): () => Promise<EventBridgeClient> {
  let client: Promise<EventBridgeClient> | undefined;
  return () => {
    client ??= loadEventBridgeSdk().then(
      ({ EventBridgeClient }) => new EventBridgeClient(awsClientConfig(endpoint)),
    );
    return client;
  };
}
