/**
 * What each piece of the alert pipeline's DynamoDB work costs in throughput, measured by taking it away: a
 * middleware on the events function's client answers the chosen requests itself, without sending them, so the
 * scenario runs the real handler minus that work. Every ablation gives up something the pipeline needs (see
 * ABLATIONS): these runs exist only to show where the time goes, never as a configuration.
 *
 * The middleware sits in the build step, after the Document client's marshalling and before the request
 * counter (finalizeRequest): an ablated request is neither sent nor counted.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type Ablation = 'claims' | 'lines' | 'window' | 'repair';

/** What each ablation takes away, and what the pipeline loses without it. */
export const ABLATIONS: Record<Ablation, { takes: string; loses: string }> = {
  claims: {
    takes: "each change's conditional delivery claim (PutItem DELIVERY#, one per change)",
    loses: 'a redelivered or duplicate change lands in the alert it already has, not in a second one',
  },
  lines: {
    takes: "the alert's line items (BatchWriteItem LINE#)",
    loses: "a render that reads every line (the summary's fallback) shows the burst's changes",
  },
  window: {
    takes:
      'the render window decision after the append (UpdateItem RENDERWINDOW#), answered "finisher scheduled"',
    loses: 'the append is rendered by a finisher that is sure to read it',
  },
  repair: {
    takes: "the repair's look for messages that fell behind (Query RENDERDUE), answered empty",
    loses:
      'an acknowledged message whose update failed is repaired by the next events invocation, not the sweep',
  },
};

type AttributeMap = Record<string, { S?: string } | undefined>;

interface Input {
  Item?: AttributeMap;
  Key?: AttributeMap;
  UpdateExpression?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: AttributeMap;
  RequestItems?: Record<string, { PutRequest?: { Item?: AttributeMap } }[]>;
}

const text = (value: { S?: string } | undefined): string => value?.S ?? '';

/** The output that stands in for the request, or undefined to send it. @throws the refusal that does. */
function answer(command: string, input: Input, ablations: ReadonlySet<Ablation>): object | undefined {
  if (
    ablations.has('claims') &&
    command === 'PutItemCommand' &&
    text(input.Item?.sk).startsWith('DELIVERY#') &&
    text(input.Item?.kind) === 'alert'
  )
    return {};
  if (ablations.has('lines') && command === 'BatchWriteItemCommand') {
    const requests = Object.values(input.RequestItems ?? {}).flat();
    if (requests.every((request) => text(request.PutRequest?.Item?.sk).startsWith('LINE#')))
      return { UnprocessedItems: {} };
  }
  if (
    ablations.has('window') &&
    command === 'UpdateItemCommand' &&
    text(input.Key?.pk).startsWith('RENDERWINDOW#') &&
    input.UpdateExpression?.startsWith('SET #until = :until, streak = :zero')
  ) {
    // A window open until far ahead whose finisher is scheduled: the caller leaves the render to it.
    const until = '2999-01-01T00:00:00.000Z';
    throw new ConditionalCheckFailedException({
      message: 'The conditional request failed (ablation)',
      $metadata: {},
      Item: { until: { S: until }, finisherFor: { S: until }, streak: { N: '0' } },
    });
  }
  if (
    ablations.has('repair') &&
    command === 'QueryCommand' &&
    text(input.ExpressionAttributeValues?.[':pk']) === 'RENDERDUE'
  )
    return { Items: [], Count: 0, ScannedCount: 0 };
  return undefined;
}

/** Adds the ablating middleware to `client` (the events function's). */
export function ablate(client: DynamoDBClient, ablations: readonly Ablation[]): void {
  const taken = new Set(ablations);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      const output = answer(command, args.input as Input, taken);
      if (output === undefined) return await next(args);
      return { output: { $metadata: {}, ...output }, response: {} };
    },
    { step: 'build', name: 'infrawatchBenchAblation', override: true },
  );
}
