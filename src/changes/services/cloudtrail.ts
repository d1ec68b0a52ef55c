import type { CloudTrailDetail } from '../../events/cloudtrail';
import { MAX_LINES_PER_KIND } from '../detail-list';
import { shortName } from '../phrases';
import { arnName, bool, capitalise, field, items, text, toBool, unique } from '../read';
import { type Finding, NO_FINDINGS, type ServiceModule, type SeverityInput } from '../service';

/** CloudTrail itself: the audit trail stopped, deleted, reconfigured or told to record less. */
export interface TrailAction {
  kind: 'trail';
  operation: TrailOperation;
  trail: string | null;
  settings: Array<{ label: string; value: string }>;
  /** Settings that make the trail record less, in words. */
  weakening: string[];
}

type TrailOperation =
  | 'stop-logging'
  | 'start-logging'
  | 'delete'
  | 'update'
  | 'create'
  | 'event-selectors'
  | 'insight-selectors';

const TRAIL_OPERATIONS: Readonly<Record<string, TrailOperation>> = {
  StopLogging: 'stop-logging',
  StartLogging: 'start-logging',
  DeleteTrail: 'delete',
  UpdateTrail: 'update',
  CreateTrail: 'create',
  PutEventSelectors: 'event-selectors',
  PutInsightSelectors: 'insight-selectors',
};

/** CloudTrail calls that can blind the audit trail, and what trying them reads as. */
const TAMPERING_VERBS: Readonly<Partial<Record<TrailOperation, string>>> = {
  'stop-logging': 'stop logging on',
  delete: 'delete',
  update: 'reconfigure',
  'event-selectors': 'change the event selectors of',
};

const TRAIL_SETTINGS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['s3BucketName', 'S3 bucket'],
  ['s3KeyPrefix', 'S3 key prefix'],
  ['isMultiRegionTrail', 'All regions'],
  ['includeGlobalServiceEvents', 'Global service events'],
  ['isOrganizationTrail', 'Organization trail'],
  ['enableLogFileValidation', 'Log file validation'],
  ['kmsKeyId', 'KMS key'],
  ['cloudWatchLogsLogGroupArn', 'CloudWatch Logs group'],
  ['snsTopicName', 'SNS topic'],
];

/** Turning these trail settings off makes the trail record less or makes tampering undetectable. */
const WEAKENING_WHEN_FALSE: Readonly<Record<string, string>> = {
  isMultiRegionTrail: 'the trail no longer records every region',
  includeGlobalServiceEvents: 'the trail no longer records global services (IAM, STS, sign-in)',
  enableLogFileValidation: 'log file integrity validation is turned off',
};

function readTrail(detail: CloudTrailDetail): TrailAction {
  const request = detail.requestParameters;
  const operation = TRAIL_OPERATIONS[detail.eventName] ?? 'update';
  const trail = text(request, 'name') ?? text(request, 'trailName');
  const settings: Array<{ label: string; value: string }> = [];
  const weakening: string[] = [];
  if (operation === 'update' || operation === 'create') {
    for (const [key, label] of TRAIL_SETTINGS) {
      const value = field(request, key);
      if (typeof value !== 'string' && typeof value !== 'boolean') continue;
      settings.push({ label, value: String(value) });
      const weakened = WEAKENING_WHEN_FALSE[key];
      if (weakened !== undefined && operation === 'update' && toBool(value) === false)
        weakening.push(weakened);
    }
  }
  if (operation === 'event-selectors') {
    for (const selector of items(field(request, 'eventSelectors'))) {
      const readWrite = text(selector, 'readWriteType');
      const management = bool(selector, 'includeManagementEvents');
      settings.push({
        label: 'Event selector',
        value: `readWriteType ${readWrite ?? 'All'}, management events ${management === false ? 'excluded' : 'included'}`,
      });
      if (management === false) weakening.push('management events are no longer recorded');
      if (readWrite === 'ReadOnly') weakening.push('write (mutating) events are no longer recorded');
    }
    const advanced = items(field(request, 'advancedEventSelectors'));
    if (advanced.length > 0) {
      settings.push({
        label: 'Advanced event selectors',
        value: `${advanced.length} selector(s) replace the previous ones`,
      });
    }
  }
  return { kind: 'trail', operation, trail, settings, weakening: unique(weakening) };
}

/** `example-trail` for `arn:aws:cloudtrail:us-west-2:1:trail/example-trail`. */
function trailDisplayName(trail: string): string {
  return trail.startsWith('arn:') ? arnName(trail) : trail;
}

export const cloudTrail: ServiceModule<TrailAction['kind']> = {
  source: 'cloudtrail',
  readers: Object.fromEntries(Object.keys(TRAIL_OPERATIONS).map((name) => [name, readTrail])),
  actions: {
    trail: {
      phrase(action) {
        const trail = `trail ${shortName(action.trail === null ? '(unknown)' : trailDisplayName(action.trail))}`;
        switch (action.operation) {
          case 'stop-logging':
            return `stopped CloudTrail logging on ${trail}`;
          case 'start-logging':
            return `started CloudTrail logging on ${trail}`;
          case 'delete':
            return `deleted ${trail}`;
          case 'create':
            return `created ${trail}`;
          case 'update':
            return `updated ${trail}${action.weakening.length > 0 ? ` (${action.weakening.join('; ')})` : ''}`;
          case 'event-selectors':
            return `changed the event selectors of ${trail}`;
          case 'insight-selectors':
            return `changed the Insights selectors of ${trail}`;
        }
      },
      target: (action) =>
        action.trail === null ? '' : ` on trail ${shortName(trailDisplayName(action.trail))}`,
      details(action, out) {
        out.add('Trail', action.trail === null ? null : trailDisplayName(action.trail));
        if (action.trail?.startsWith('arn:')) out.add('Trail ARN', action.trail);
        for (const setting of action.settings.slice(0, MAX_LINES_PER_KIND))
          out.add(setting.label, setting.value);
        out.addEach('Weakens logging', action.weakening);
      },
      intent: trailTamperingFindings,
    },
  },
};

/** Trying to blind the audit trail is the signal, whether or not the call succeeded. */
function trailTamperingFindings(action: TrailAction, input: SeverityInput): readonly Finding[] {
  const verb = TAMPERING_VERBS[action.operation];
  if (verb === undefined) return NO_FINDINGS;
  const trail = action.trail === null ? 'a trail' : `trail ${trailDisplayName(action.trail)}`;
  if (!input.outcome.ok) {
    const evasion = action.operation === 'stop-logging' || action.operation === 'delete';
    return [
      {
        severity: evasion ? 'critical' : 'warning',
        reason: `Someone tried to ${verb} ${trail} (${input.outcome.errorCode ?? 'failed'}); it did not succeed, but trying to blind CloudTrail is ${evasion ? 'itself a strong sign of an attacker covering their tracks' : 'worth a look'}.`,
      },
    ];
  }
  const weakening = action.weakening.length > 0 ? `: ${action.weakening.join('; ')}` : '';
  switch (action.operation) {
    case 'stop-logging':
      return [
        {
          severity: 'critical',
          reason: `CloudTrail logging was stopped on ${trail}: API activity is no longer recorded there, the first step attackers take to cover their tracks.`,
        },
      ];
    case 'delete':
      return [
        {
          severity: 'critical',
          reason: `${capitalise(trail)} was deleted: the activity it recorded is no longer captured.`,
        },
      ];
    case 'event-selectors':
      return [
        {
          severity: 'critical',
          reason: `The event selectors of ${trail} were replaced${weakening}. Selectors decide which events the trail records; narrowing them silently drops events.`,
        },
      ];
    default:
      return [
        {
          severity: 'critical',
          reason: `${capitalise(trail)} was reconfigured${weakening}. Updating a trail can redirect its logs or narrow what it records.`,
        },
      ];
  }
}
