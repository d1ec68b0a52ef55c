/** A digest message with "Acknowledge all listed": which run posted it, where, and the window it lists. */
export interface PostedDigest {
  runKey: string;
  ts: string;
  since: string;
  until: string;
}

/** A claimed digest run. */
export interface DigestClaim {
  /** Set when an earlier claim attempted the post: it may be in the channel already (its answer lost). */
  postAttemptAt?: string;
}

/** Digest runs (one per channel and run key, e.g. the day): posted once, found again after a lost answer. */
export interface DigestRunRepository {
  /**
   * Claims one digest run (channel + run key) so it is posted once: a claim when it was never claimed, or
   * when an earlier claim was never completed and its lease ran out (a crashed run) or was released (a
   * failed one); undefined when the run is done or another worker holds it.
   */
  claim(
    channel: string,
    runKey: string,
    nowIso: string,
    leaseUntilIso: string,
  ): Promise<DigestClaim | undefined>;
  /**
   * Records that the digest is about to be posted; the first attempt's time is kept, and so is the window it
   * lists when it carries "Acknowledge all listed" (`listed`): a retry whose post had reached Slack finds the
   * message again, and the window must be the one that message shows.
   */
  markPostAttempt(
    channel: string,
    runKey: string,
    atIso: string,
    listed?: { since: string; until: string },
  ): Promise<void>;
  /** Records the posted digest's message (`ts`), found again later to take its button away. */
  recordMessage(channel: string, runKey: string, ts: string): Promise<void>;
  /**
   * The channel's posted digests that still show "Acknowledge all listed" (one Query on the channel's
   * digest-run partition, which holds about a month of runs: they expire after 30 days).
   */
  withButton(channel: string): Promise<PostedDigest[]>;
  /** Records that the digest's button is gone (everything it listed is acknowledged and the message says so). */
  close(channel: string, runKey: string, atIso: string): Promise<void>;
  complete(channel: string, runKey: string): Promise<void>;
  /**
   * Gives up a claim after a failed run, so a retry may run it at once. A post attempt stays recorded: the
   * retry looks for that post before posting again.
   */
  release(channel: string, runKey: string): Promise<void>;
}
