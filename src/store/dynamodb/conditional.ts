import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Item, isConditionFailure, type TableClient } from './table-client';

/** What a conditional write with return values found: the item after it, or the item that refused it. */
export type ConditionalOutcome = { written: true; item: Item } | { written: false; item: Item | undefined };

/**
 * A conditional UpdateItem that answers with the item either way, in one round trip: `ALL_NEW` (or, with
 * `written: 'ALL_OLD'`, the item before the write) when the condition held, and (`ReturnValuesOnConditionCheckFailure: ALL_OLD`) the item as it was when it did not, so
 * a refused caller learns why without reading again. Engines that do not return the old item (dynalite), and
 * an item that does not exist, cost one consistent GetItem more.
 */
export async function updateReturningItem(
  table: TableClient,
  command: { input: { Key?: Item } & object },
  written: 'ALL_NEW' | 'ALL_OLD' = 'ALL_NEW',
): Promise<ConditionalOutcome> {
  Object.assign(command.input, { ReturnValues: written, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  try {
    const output = await table.send<{ Attributes?: Item }>('write', command);
    return { written: true, item: output.Attributes ?? {} };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // The document client translates outputs, not errors: the old item comes back as AttributeValues.
    const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    if (old) return { written: false, item: unmarshall(old) };
    return { written: false, item: await table.get(command.input.Key ?? {}) };
  }
}
