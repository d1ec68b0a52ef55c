import type { RenderWindow, RenderWindowRepository } from '../ports/render-windows';
import { clone } from './clone';

export function memoryRenderWindows(): RenderWindowRepository {
  const windows = new Map<string, RenderWindow>();
  return {
    async open(alertId, nowIso, untilIso) {
      const open = windows.get(alertId);
      if (open && open.until > nowIso) return clone(open);
      windows.set(alertId, {
        ...(open?.finisherFor ? { finisherFor: open.finisherFor } : {}),
        until: untilIso,
        streak: 0,
      });
      return undefined;
    },
    async markFinisher(alertId, forIso) {
      const window = windows.get(alertId);
      if (window && !(window.finisherFor && window.finisherFor >= forIso)) window.finisherFor = forIso;
    },
    async continueWindow(alertId, forIso, untilIso, streak) {
      if (windows.get(alertId)?.finisherFor !== forIso) return false;
      windows.set(alertId, { until: untilIso, streak });
      return true;
    },
  };
}
