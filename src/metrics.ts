/**
 * The CloudWatch metrics InfraWatch emits (embedded metric format, one line of JSON in the function's log) and
 * the CDK stack alarms on. Pure data shared by both sides: an alarm on a name the app never emits would never
 * fire, so neither side spells a name itself.
 *
 * Every datum carries exactly {@link METRIC_DIMENSIONS} (CloudWatch treats each dimension set as a separate
 * metric: an alarm only sees data points emitted with the same dimensions). Powertools Metrics adds a
 * `service` dimension by default, hence `service` here.
 */
export const METRIC_NAMESPACE = 'InfraWatch';

export const METRIC_DIMENSIONS = { service: 'infrawatch' } as const;

export const METRICS = {
  /** A CloudTrail change stored for the first time (retries of the same eventID do not count). */
  changesRecorded: 'ChangesRecorded',
  /** A new Slack message posted for an alert. */
  alertsPosted: 'AlertsPosted',
  /** A change added to an existing burst message instead of a new post. */
  changesGrouped: 'ChangesGrouped',
  /** A change not posted to a channel because a mute matched. */
  changesMuted: 'ChangesMuted',
  /** An alert acknowledged (first acknowledgement only). */
  acknowledged: 'Acknowledged',
  /** An input that can never become a change (stored as rejected with its reason). */
  rejectedInputs: 'RejectedInputs',
  /** A watched change only reconciliation found in CloudTrail's event history (EventBridge never delivered it). */
  changesRecovered: 'ChangesRecovered',
  /**
   * Accounts that usually have changes and had none for the quiet time (the heartbeat), emitted by every
   * reconcile run that finds any: the alarm stays on while the silence lasts.
   */
  accountsSilent: 'AccountsSilent',
  /** A Slack call retried after a timeout or a 5xx. */
  slackRetries: 'SlackRetries',
  /** A Slack answer 429 (rate limited). */
  slackRateLimited: 'SlackRateLimited',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** Every metric name, in a stable order. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(METRICS);
