import type { Delivery, DeliveryRepository } from '../ports/deliveries';
import { clone } from './clone';

export function memoryDeliveries(): DeliveryRepository {
  const deliveries = new Map<string, Delivery>();
  return {
    async claim(delivery) {
      const key = `${delivery.eventId}#${delivery.channel}`;
      const existing = deliveries.get(key);
      if (existing) return clone(existing);
      deliveries.set(key, clone(delivery));
      return clone(delivery);
    },
    async get(eventId, channel) {
      const delivery = deliveries.get(`${eventId}#${channel}`);
      return delivery && clone(delivery);
    },
    async allOf(eventId) {
      return clone([...deliveries.values()].filter((d) => d.eventId === eventId));
    },
    async deliveredIn(channel, eventIds) {
      return new Set(eventIds.filter((id) => deliveries.has(`${id}#${channel}`)));
    },
    async move(eventId, channel, fromAlertId, toAlertId) {
      const delivery = deliveries.get(`${eventId}#${channel}`);
      if (delivery?.kind !== 'alert' || delivery.alertId !== fromAlertId) return false;
      delivery.alertId = toAlertId;
      return true;
    },
    async countMuted(channel, sinceIso) {
      return [...deliveries.values()].filter(
        (d) => d.kind === 'muted' && d.channel === channel && d.time >= sinceIso,
      ).length;
    },
  };
}
