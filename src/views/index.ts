/**
 * Pure Block Kit renderers for InfraWatch: alerts, the Investigate and Acknowledge modals, the digest and the
 * `/infrawatch` replies, and the mrkdwn, link and limit helpers they are built from.
 */
export * from './acknowledge';
export * from './actions';
export * from './actor-check';
export * from './alert';
export {
  type AccountAlias,
  formatDuration,
  SEVERITY_LABELS,
  SEVERITY_MARKERS,
  TOOL_LABELS,
} from './alert-parts';
export * from './digest';
export * from './escalation';
export * from './escalation-step';
export * from './grouped-alert';
export * from './investigate';
export * from './limits';
export * from './links';
export * from './mrkdwn';
export * from './replies';
export * from './stats';
