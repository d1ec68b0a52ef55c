/** An input that can never become a change, kept with its reason instead of being dropped silently. */
export interface RejectedInput {
  /** The SQS message id or EventBridge event id: a retry of the same input overwrites, never duplicates. */
  id: string;
  reason: string;
  body: string;
  at: string;
}

export interface RejectedSummary {
  count: number;
  first: Pick<RejectedInput, 'id' | 'reason' | 'at'>[];
}

/** Inputs that can never become a change, counted and surfaced in the digest. */
export interface RejectedInputRepository {
  save(input: RejectedInput): Promise<void>;
  /**
   * Inputs rejected between two ISO times: how many, and the first `limit` of them, oldest first, with their
   * reasons (bodies left out). Reads an index of rejected inputs by day, never the whole table; rejected
   * inputs expire after 30 days, so only the window's last 30 days are read.
   */
  between(fromIso: string, toIso: string, limit: number): Promise<RejectedSummary>;
}
