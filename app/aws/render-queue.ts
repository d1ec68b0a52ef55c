import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RenderFinisher } from '../../src/use-cases/coalesce-renders';
import { delaySecondsOf, renderRequestMessage } from '../events/render-requests';
import { awsClientConfig } from './clients';

/**
 * The renders queue as the events function's RenderFinisher: one SendMessage with DelaySeconds per render
 * window that needs a finisher. The SQS SDK is loaded on first use (most batches schedule nothing).
 */
export function createRenderQueue(queueUrl: string, endpoint?: string): RenderFinisher {
  let client: Promise<{ client: SQSClient; send: typeof import('@aws-sdk/client-sqs').SendMessageCommand }>;
  return {
    async schedule(request, delayMs) {
      client ??= import('@aws-sdk/client-sqs').then((sqs) => ({
        client: new sqs.SQSClient(awsClientConfig(endpoint)),
        send: sqs.SendMessageCommand,
      }));
      const { client: sqs, send } = await client;
      await sqs.send(
        new send({
          QueueUrl: queueUrl,
          MessageBody: renderRequestMessage(request),
          DelaySeconds: delaySecondsOf(delayMs),
        }),
      );
    },
  };
}
