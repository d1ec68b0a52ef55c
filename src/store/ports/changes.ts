import type { ChangeLine } from '../../model/alert';
import type { Change } from '../../model/change';

/** A change as stored: the description plus the raw event (for the Investigate modal). */
export interface StoredChange {
  change: Change;
  /** The raw EventBridge event as received (JSON text, possibly truncated to fit an item). */
  raw: string;
  receivedAt: string;
}

/** Every CloudTrail change, stored once, keyed on its `eventID`. */
export interface ChangeRepository {
  /** Stores the change unless a change with its id is stored already. @returns true when this call stored it. */
  save(record: StoredChange): Promise<boolean>;
  get(id: string): Promise<StoredChange | undefined>;
  /** Changes by one actor (see `actorKey`) in one account between two ISO times, oldest first. */
  byActor(
    account: string,
    actorKey: string,
    fromIso: string,
    toIso: string,
    limit: number,
  ): Promise<ChangeLine[]>;
}
