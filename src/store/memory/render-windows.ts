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
      });
      return undefined;
    },
    async markFinisher(alertId, forIso) {
      const window = windows.get(alertId);
      if (window && !(window.finisherFor && window.finisherFor >= forIso)) window.finisherFor = forIso;
    },
    async clearFinisher(alertId, forIso) {
      const window = windows.get(alertId);
      if (window?.finisherFor === forIso) delete window.finisherFor;
    },
  };
}
