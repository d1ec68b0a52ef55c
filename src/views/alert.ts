import type { KnownBlock } from '@slack/types';
import type { Acknowledgement, Investigation } from '../model/alert';
import type { Change } from '../model/change';
import { assertAlertId } from './actions';
import {
  type AccountAlias,
  accountField,
  arnLine,
  contextBlock,
  detailSections,
  fallbackText,
  fieldsBlock,
  headerBlock,
  linksLine,
  metaLine,
  outcomeLine,
  outcomeTag,
  reasonsSection,
  recoveredLine,
  regionField,
  SEVERITY_MARKERS,
  sectionBlock,
  sourceIpField,
  statusAndActions,
  toolField,
  whenField,
  whoField,
} from './alert-parts';
import { limitBlocks } from './limits';
import type { ConsoleAccess } from './links';
import { escapeMrkdwn } from './mrkdwn';

/** A Slack message: blocks plus the `text` Slack shows in notifications and where blocks cannot be shown. */
export interface RenderedMessage {
  /** mrkdwn, escaped; the severity word and the summary. */
  text: string;
  blocks: KnownBlock[];
}

/** Options of {@link renderAlert}. Everything is optional; defaults are noted per field. */
export interface RenderAlertOptions {
  /** Goes into every button and overflow value. Default: the change's CloudTrail event id. */
  alertId?: string;
  /** One alias for every account, or a map from account id to alias; shown next to the account id. */
  accountAlias?: AccountAlias;
  /**
   * Set when people sign in through IAM Identity Center: every console link goes through this access portal
   * into the change's account. Default: plain console links.
   */
  consoleAccess?: ConsoleAccess;
  /** The primary watch's title (e.g. `Security groups`); default: the watch id. */
  watchTitle?: string;
  /** Set once someone acknowledged: the buttons go, a `✅ Acknowledged by …` line comes. */
  acknowledgement?: Acknowledgement;
  /** Set while someone investigates (ignored once acknowledged): a `🔎 Investigating: …` line, buttons kept. */
  investigation?: Investigation;
  /** Show the caller's ARN in a context line under the fields. Default: true. */
  showArn?: boolean;
  /** The change was found by reconciliation in CloudTrail's history (EventBridge never delivered it). */
  recovered?: boolean;
  /** The alert's revision this message shows: the Acknowledge controls carry it. Default: none. */
  shownRev?: number;
}

/**
 * Renders one change as an alert message: header with severity marker, summary, outcome, who/account/region/
 * when/tool/source-IP fields, what changed, why this severity, links to CloudTrail and the console, and the
 * Acknowledge / Investigate / ⋯ actions (or the acknowledgement / investigation status).
 *
 * Pure: every time shown comes from the change or the options. Every string from the change is escaped, and the
 * result stays within Slack's message limits whatever the input size.
 *
 * @throws AlertRenderError `INVALID_ALERT_ID` when the alert id is empty, has spaces or cannot fit an option value.
 */
export function renderAlert(change: Change, options: RenderAlertOptions = {}): RenderedMessage {
  const alertId = options.alertId ?? change.id;
  assertAlertId(alertId);
  const blocks: KnownBlock[] = [];
  const title = options.watchTitle ?? change.watch ?? null;
  blocks.push(
    headerBlock(
      `${SEVERITY_MARKERS[change.severity]} ${title === null ? '' : `${title}: `}${change.eventName}${outcomeTag(change)}`,
    ),
  );

  const summary = escapeMrkdwn(change.summary === '' ? change.eventName : change.summary);
  const outcome = outcomeLine(change);
  blocks.push(sectionBlock(outcome === null ? summary : `${summary}\n${outcome}`));

  blocks.push(
    fieldsBlock([
      whoField(change),
      accountField(change.account, options.accountAlias),
      regionField([change.region]),
      whenField(change.time),
      toolField(change),
      sourceIpField(change),
    ]),
  );
  const arn = options.showArn === false ? null : arnLine(change);
  if (arn !== null) blocks.push(contextBlock(arn));

  for (const text of detailSections(change.details)) blocks.push(sectionBlock(text));
  const reasons = reasonsSection(change.severity, change.reasons);
  if (reasons !== null) blocks.push(sectionBlock(reasons));

  const links = linksLine(change, change.resources, { consoleAccess: options.consoleAccess });
  if (links !== null) blocks.push(contextBlock(links));
  blocks.push(contextBlock(metaLine(change.id, change.watch, change.watches, options.watchTitle)));
  if (options.recovered === true) blocks.push(contextBlock(recoveredLine(1, 1)));

  blocks.push(
    ...statusAndActions(
      alertId,
      options.acknowledgement,
      options.investigation,
      { since: change.time, sinceLabel: 'the change' },
      undefined,
      options.shownRev,
    ),
  );

  return {
    text: fallbackText(change.severity, change.summary === '' ? change.eventName : change.summary),
    blocks: limitBlocks(blocks),
  };
}
