import type { WebClient } from '@slack/web-api';
import type { DigestMessenger, DigestRenderer } from '../../src/use-cases/digest';
import { MessageNotFoundError } from '../../src/use-cases/ports';
import { renderDigest, renderDigestClosed } from '../../src/views';
import { isSlackError } from './alert-messenger';
import { findInHistory } from './history';

/** Slack's metadata event type on every digest message: how a digest whose answer was lost is found again. */
export const DIGEST_METADATA_TYPE = 'infrawatch_digest';

/** The digest views. */
export const digestRenderer: DigestRenderer = { digest: renderDigest, closed: renderDigestClosed };

/**
 * The Slack adapter of the DigestMessenger port: each digest carries its run key in its metadata, and the
 * channel's history since the first attempt is searched for it when an earlier post's outcome is unknown.
 * `client`: the digest function's patient client, or a listener's (Slack's 3-second budget) for a click.
 */
export function createDigestMessenger(client: WebClient): DigestMessenger {
  const metadataOf = (runKey: string) => ({
    event_type: DIGEST_METADATA_TYPE,
    event_payload: { run_key: runKey },
  });
  return {
    async post(channel, message, runKey) {
      const posted = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: metadataOf(runKey),
        unfurl_links: false,
      });
      return posted.ts;
    },
    findPosted(channel, runKey, attemptIso) {
      const metadata = metadataOf(runKey);
      return findInHistory(client, channel, attemptIso, {
        eventType: metadata.event_type,
        payload: metadata.event_payload,
      });
    },
    async update(channel, ts, message) {
      try {
        await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
      } catch (error) {
        if (isSlackError(error, 'message_not_found'))
          throw new MessageNotFoundError({ channel, ts }, { cause: error });
        throw error;
      }
    },
    async permalink(channel, ts) {
      return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
    },
  };
}
