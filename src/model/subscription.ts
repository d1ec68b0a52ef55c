/** A channel's subscription to one watch, or to `all` (which includes watches added later). */
export interface Subscription {
  channel: string;
  /** A watch id, or `all`. */
  watch: string;
  setBy: string;
  setAt: string;
}
