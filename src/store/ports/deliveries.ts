/** Where one change went in one channel. The first delivery record written for (change, channel) wins. */
export type Delivery =
  | { eventId: string; channel: string; kind: 'alert'; alertId: string; at: string }
  | { eventId: string; channel: string; kind: 'muted'; mute: string; at: string; time: string };

/** Deliveries of changes to channels: what makes a redelivered change land where it landed before. */
export interface DeliveryRepository {
  /** Writes the delivery unless one exists for (eventId, channel). @returns the delivery that stands. */
  claim(delivery: Delivery): Promise<Delivery>;
  get(eventId: string, channel: string): Promise<Delivery | undefined>;
  /** Every delivery of one change (all channels): one Query. */
  allOf(eventId: string): Promise<Delivery[]>;
  /** The subset of `eventIds` delivered (posted or muted) in `channel`. */
  deliveredIn(channel: string, eventIds: readonly string[]): Promise<Set<string>>;
  /** Moves a delivery to another alert, only if it still points at `fromAlertId`. */
  move(eventId: string, channel: string, fromAlertId: string, toAlertId: string): Promise<boolean>;
  /** How many changes were muted in a channel since `sinceIso`. */
  countMuted(channel: string, sinceIso: string): Promise<number>;
}
