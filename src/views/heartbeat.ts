import type { RenderedMessage } from './alert';
import { type AccountAlias, aliasOf, contextBlock, sectionBlock } from './alert-parts';
import { date, escapeMrkdwn, formatUtc, parseIsoTime } from './mrkdwn';

/** What {@link renderQuietNotice} needs: which account went quiet, since when. */
export interface QuietNoticeInput {
  account: string;
  /** ISO-8601: the time of the account's latest recorded change. */
  lastSeen: string;
  /** How long an account that usually has changes may stay quiet before the notice (the configured hours). */
  quietHours: number;
  accountAlias?: AccountAlias;
}

/**
 * The one notice the default channel gets when an account that usually has changes has had none for the
 * configured time: a trail that stopped logging, a deleted rule or a broken forwarder is silent, and silence
 * is exactly what nobody notices. Everything from configuration or the store is escaped.
 */
export function renderQuietNotice(input: QuietNoticeInput): RenderedMessage {
  const alias = aliasOf(input.account, input.accountAlias);
  const id = escapeMrkdwn(input.account, { singleLine: true });
  const account = alias === null ? id : `${escapeMrkdwn(alias, { singleLine: true })} (${id})`;
  const ms = parseIsoTime(input.lastSeen);
  const plainSince = ms === null ? input.lastSeen : formatUtc(ms);
  const text = `InfraWatch has not seen a change from account ${account} since ${escapeMrkdwn(plainSince, { singleLine: true })}: is the trail still logging?`;
  return {
    text,
    blocks: [
      sectionBlock(
        `:warning: InfraWatch has not seen a change from account *${account}* since ${date(input.lastSeen)}: is the trail still logging?`,
      ),
      contextBlock(
        escapeMrkdwn(
          `This account usually has changes, and none arrived for ${input.quietHours} hours, not even in CloudTrail's event history. ` +
            "Check the trail (aws cloudtrail get-trail-status), the InfraWatch rules and this account's forwarder. " +
            'This notice is posted once; it comes again only after changes resumed and stopped again.',
        ),
      ),
    ],
  };
}
