import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/** Read/write capacity units consumed through one store (ReturnConsumedCapacity on every call). */
export class CapacityMeter {
  read = 0;
  write = 0;
  add(kind: 'read' | 'write', consumed: ConsumedCapacity | undefined): void {
    if (!consumed) return;
    // DynamoDB splits read/write units only for some calls; otherwise the call's kind decides.
    const read = consumed.ReadCapacityUnits;
    const write = consumed.WriteCapacityUnits;
    if (read === undefined && write === undefined) this[kind] += consumed.CapacityUnits ?? 0;
    else {
      this.read += read ?? 0;
      this.write += write ?? 0;
    }
  }
  reset(): void {
    this.read = 0;
    this.write = 0;
  }
}
