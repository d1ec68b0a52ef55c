/** The open burst of one actor on one watch in one channel. */
export interface BurstGroup {
  channel: string;
  key: string;
  alertId: string;
  /** Event times (ISO) of the first and latest change in the group. */
  firstAt: string;
  lastAt: string;
  count: number;
  /** Optimistic-lock counter: a group is only ever replaced by a writer that read this version. */
  version: number;
}

/** The pointer from (channel, watch, actor) to the alert a burst's next change joins. */
export interface BurstGroupRepository {
  get(channel: string, key: string): Promise<BurstGroup | undefined>;
  /**
   * Writes the group if the stored one is still `expected`, the group its writer read (undefined: if none is
   * stored). Both its version and its alert are checked: a group closed and started again counts its versions
   * from 1 again, so a version alone could match a group the writer never read.
   */
  save(group: BurstGroup, expected: Pick<BurstGroup, 'version' | 'alertId'> | undefined): Promise<boolean>;
  /** Ends the group if it still points at `alertId` (after an acknowledgement). */
  close(channel: string, key: string, alertId: string): Promise<void>;
}
