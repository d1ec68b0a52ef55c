import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { INFRAWATCH_EVENT_SOURCE } from '../../src/events/infrawatch-events';
import type { EventPublisher } from '../../src/use-cases/acknowledge';

/** The `source` of every event InfraWatch publishes. */
export const EVENT_SOURCE = INFRAWATCH_EVENT_SOURCE;

export class EventPublishError extends Error {
  readonly code = 'EventPublish';
}

/**
 * Publishes InfraWatch's own events (acknowledgements, digest requests) to an EventBridge bus with PutEvents.
 * PutEvents answers 200 even when an entry failed: the per-entry result is checked.
 */
export function createEventPublisher(client: EventBridgeClient, eventBusName: string): EventPublisher {
  return {
    async publish(detailType, detail) {
      const output = await client.send(
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

export function createEventBridgeClient(endpoint?: string): EventBridgeClient {
  return new EventBridgeClient({
    maxAttempts: 3,
    ...(endpoint
      ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
}
