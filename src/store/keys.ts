/**
 * Key builders for the single table (layout documented in table.ts). Every key the adapters write comes
 * from here, so the layout can be read in one place.
 */
export const keys = {
  change: (eventId: string) => ({ pk: `CHANGE#${eventId}`, sk: 'CHANGE' }),
  delivery: (eventId: string, channel: string) => ({ pk: `CHANGE#${eventId}`, sk: `DELIVERY#${channel}` }),
  deliveryPrefix: 'DELIVERY#',
  alert: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  alertLine: (alertId: string, eventId: string) => ({ pk: `ALERT#${alertId}`, sk: `LINE#${eventId}` }),
  alertLinesPrefix: 'LINE#',
  group: (channel: string, key: string) => ({ pk: `GROUP#${channel}#${key}`, sk: 'GROUP' }),
  configPk: 'CONFIG',
  subscription: (channel: string, watch: string) => ({ pk: 'CONFIG', sk: `SUB#${channel}#${watch}` }),
  /** One mute; an actor name mute has one item per account (`…#in#<account>`). */
  mute: (channel: string, type: string, value: string, account?: string) => ({
    pk: 'CONFIG',
    sk: `MUTE#${channel}#${type}#${value}${account === undefined ? '' : `#in#${account}`}`,
  }),
  bootstrap: () => ({ pk: 'CONFIG', sk: 'BOOTSTRAP' }),
  digestRun: (channel: string, runKey: string) => ({ pk: `DIGEST#${channel}`, sk: runKey }),
  request: (key: string) => ({ pk: `REQUEST#${key}`, sk: 'REQUEST' }),
  rejected: (atIso: string, id: string) => ({ pk: `REJECTED#${atIso.slice(0, 10)}`, sk: id }),
  renderDuePk: 'RENDERDUE',
  renderDue: (alertId: string) => ({ pk: 'RENDERDUE', sk: alertId }),
  /** An alert's render-coalescing window (use-cases/coalesce-renders.ts). */
  renderWindow: (alertId: string) => ({ pk: `RENDERWINDOW#${alertId}`, sk: 'WINDOW' }),
  escalationDuePk: 'ESCDUE',
  /** An alert's next escalation step, by due time: the sweep reads `sk <= now`. */
  escalationDue: (dueAt: string, alertId: string) => ({ pk: 'ESCDUE', sk: `${dueAt}#${alertId}` }),
  /** A channel's escalation setting (`/infrawatch escalate`), read with the rest of the config. */
  escalationSetting: (channel: string) => ({ pk: 'CONFIG', sk: `ESCALATE#${channel}` }),
  /** A channel's "Was this you?" settings (`/infrawatch ask-actors`, `actor-confirms`), read with the config. */
  actorCheckSetting: (channel: string) => ({ pk: 'CONFIG', sk: `ACTORS#${channel}` }),

  /** Sparse index entries: open alerts, and muted changes, of a channel, by time. */
  openPk: (channel: string) => `OPEN#${channel}`,
  mutedPk: (channel: string) => `MUTED#${channel}`,
  rejectedPk: (day: string) => `REJECTED#${day}`,
  actorPk: (account: string, actorKey: string) => `ACTOR#${account}#${actorKey}`,
  timeSk: (isoTime: string, id: string) => `${isoTime}#${id}`,
  /** The by-day index partition of what was created on the UTC day of `isoTime`. */
  alertDayPk: (isoTime: string) => `ALERTS#${isoTime.slice(0, 10)}`,
} as const;
