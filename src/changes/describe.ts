import { type CloudTrailEvent, isCloudTrailEvent, parseCloudTrailEvent } from '../events/cloudtrail';
import {
  applyInputTransformer,
  MissingTransformerContextError,
  UndeliverablePayloadError,
  unquoteStringPayload,
} from '../events/input-transformer';
import type { Change, Detail, Outcome } from '../model/change';
import { builtInCatalog } from '../watches/catalog';
import type { Watch, WatchCatalog } from '../watches/types';
import { describeActor } from './actor';
import { describeDetails } from './details';
import { clip } from './read';
import { interpretAction } from './registry';
import { extractResources } from './resources';
import { assessSeverity, isDeniedCode, isDryRunCode } from './severity';
import { summarize } from './summary';
import { detectTool } from './tool';

/** A catalog with no watches: every change is described, none is matched. */
export const EMPTY_CATALOG: WatchCatalog = { watches: [], match: () => [] };

// A watch's input transformer may produce up to 8 KB; the summary is one line in an alert.
const MAX_WATCH_SUMMARY = 1000;
const MAX_ERROR_MESSAGE = 2000;

/**
 * For records without the `readOnly` field (older than eventVersion 1.01, or trimmed by a forwarder): read-only
 * API prefixes, plus the STS credential calls that CloudTrail itself marks `readOnly: true`.
 */
const READ_ONLY_NAME =
  /^(Get|Describe|List|Head|Lookup|BatchGet|Search|Query|Scan|Select)[A-Z]|^AssumeRole(WithSAML|WithWebIdentity)?$/;

/**
 * Describes an EventBridge-delivered CloudTrail event the way an engineer would: who did what to which resources,
 * with which tool, how bad it is and why. Pure: no clock, no I/O.
 *
 * The primary watch is the first one `catalog` matches. When it has an input transformer, its output becomes the
 * summary (as EventBridge would render it for the rule's target); when it sets a severity, that severity wins.
 *
 * @param event the event exactly as EventBridge delivered it.
 * @param catalog the watches to match (default: the built-in catalog).
 * @throws InvalidEventError when `event` is not a CloudTrail API call or console sign-in event.
 */
export function describeChange(event: unknown, catalog: WatchCatalog = builtInCatalog): Change {
  // Every delivered event passes through here: check it in place, and let zod only explain a refusal.
  const parsed = isCloudTrailEvent(event) ? event : parseCloudTrailEvent(event);
  const detail = parsed.detail;
  const service = parsed.source.slice('aws.'.length);
  const account = parsed.account;
  const region = detail.awsRegion;

  const actor = describeActor(detail);
  const outcome = describeOutcome(parsed);
  const denied = isDeniedCode(outcome.errorCode);
  const dryRun = isDryRunCode(outcome.errorCode);
  const readOnly = detail.readOnly ?? READ_ONLY_NAME.test(detail.eventName);
  const action = interpretAction(detail, service);
  const { resources, total } = extractResources(detail, service);

  const assessment = assessSeverity({
    eventName: detail.eventName,
    service,
    account,
    actor,
    identity: detail.userIdentity,
    action,
    outcome,
    denied,
    dryRun,
    readOnly,
    resources,
  });
  const details = describeDetails({
    detail,
    action,
    account,
    resourcesShown: resources.length,
    resourcesTotal: total,
  });
  let summary = summarize({
    actor,
    eventName: detail.eventName,
    service,
    account,
    region,
    sourceIp: detail.sourceIPAddress ?? null,
    action,
    outcome,
    denied,
    dryRun,
    resources,
  });

  const watches = catalog.match(event);
  const primary = watches[0];
  let severity = assessment.severity;
  let reasons = assessment.reasons;
  if (primary !== undefined) {
    const custom = watchSummary(primary, event);
    if (custom.summary !== null) summary = custom.summary;
    if (custom.problem !== null) details.push(custom.problem);
    if (primary.severity !== undefined) {
      severity = primary.severity;
      // "No risk rule applies" next to a forced severity reads as a contradiction: the watch is the reason.
      const watchReason = `Severity set by watch '${primary.id}'.`;
      reasons = assessment.routine ? [watchReason] : [watchReason, ...reasons];
    }
  }

  return {
    id: detail.eventID ?? parsed.id,
    watch: primary?.id ?? null,
    watches: watches.map((watch) => watch.id),
    eventName: detail.eventName,
    service,
    account,
    region,
    time: detail.eventTime,
    actor,
    sourceIp: detail.sourceIPAddress ?? null,
    userAgent: detail.userAgent ?? null,
    tool: detectTool(detail),
    resources,
    outcome,
    severity,
    reasons,
    summary,
    details,
    readOnly,
    dryRun,
  };
}

/**
 * Failed console sign-ins carry no errorCode: CloudTrail records `responseElements.ConsoleLogin: "Failure"` and
 * an errorMessage instead.
 */
function describeOutcome(event: CloudTrailEvent): Outcome {
  const detail = event.detail;
  const outcome: Outcome = { ok: true };
  const errorCode = detail.errorCode ?? undefined;
  const errorMessage = detail.errorMessage ?? undefined;
  if (errorCode !== undefined && errorCode !== '') {
    outcome.ok = false;
    outcome.errorCode = errorCode;
  }
  const response = detail.responseElements;
  if (
    detail.eventName === 'ConsoleLogin' &&
    response !== null &&
    typeof response === 'object' &&
    (response as Record<string, unknown>).ConsoleLogin === 'Failure'
  ) {
    outcome.ok = false;
  }
  if (errorMessage !== undefined && errorMessage !== '')
    outcome.errorMessage = clip(errorMessage, MAX_ERROR_MESSAGE);
  return outcome;
}

/**
 * The summary a watch's input transformer gives, or null to keep InfraWatch's own. EventBridge silently drops
 * an event whose JSON template renders invalid JSON, and InfraWatch cannot fill the rule-name/ingestion-time
 * variables outside EventBridge; in both cases the alert keeps InfraWatch's summary and says why.
 */
function watchSummary(watch: Watch, event: unknown): { summary: string | null; problem: Detail | null } {
  if (watch.inputTransformer === undefined) return { summary: null, problem: null };
  try {
    const rendered = unquoteStringPayload(applyInputTransformer(watch.inputTransformer, event)).trim();
    return { summary: rendered === '' ? null : clip(rendered, MAX_WATCH_SUMMARY), problem: null };
  } catch (error) {
    if (error instanceof UndeliverablePayloadError || error instanceof MissingTransformerContextError) {
      return {
        summary: null,
        problem: {
          label: `Watch '${watch.id}' summary`,
          value: clip(`not used: ${error.message}`, MAX_ERROR_MESSAGE),
        },
      };
    }
    throw error;
  }
}
