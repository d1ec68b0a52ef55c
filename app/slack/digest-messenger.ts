import type { WebClient } from '@slack/web-api';
import type { DigestMessenger, DigestRenderer } from '../../src/use-cases/digest';
import { MessageNotFoundError } from '../../src/use-cases/ports';
import { renderDigest, renderDigestClosed } from '../../src/views';
import { isSlackError } from './alert-messenger';
import { findInHistory } from './history';

/** Slack's metadata event type on every digest message: how a digest whose answer was lost is found again. */
export const DIGEST_METADATA_TYPE = 'infrawatch_digest';

/**
 * The permalink of a top-level message, in the form `chat.getPermalink` answers with
 * (https://docs.slack.dev/reference/methods/chat.getPermalink): the workspace URL, `archives/<channel>`,
 * and `p` + the message ts without its dot. Built instead of asked for, so a digest of 40 alerts costs its
 * post, not 40 more calls against a method Slack rate-limits. `undefined` for values no Slack message has.
 */
export function messagePermalink(workspaceUrl: string, channel: string, ts: string): string | undefined {
  if (!/^[A-Z0-9]+$/.test(channel) || !/^\d+\.\d+$/.test(ts)) return undefined;
  return new URL(`archives/${channel}/p${ts.replace('.', '')}`, workspaceUrl).href;
}

/** The workspace URL (`auth.test`'s `url`), asked once per client, which lives as long as its container. */
const workspaceUrls = new WeakMap<WebClient, Promise<string>>();

function workspaceUrlOf(client: WebClient): Promise<string> {
  const known = workspaceUrls.get(client);
  if (known) return known;
  const asked = client.auth.test().then(({ url }) => {
    if (!url) throw new Error('auth.test answered without the workspace url');
    return url;
  });
  workspaceUrls.set(client, asked);
  // A failure is not remembered: the next digest asks again.
  asked.catch(() => workspaceUrls.delete(client));
  return asked;
}

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
      return messagePermalink(await workspaceUrlOf(client), channel, ts);
    },
  };
}
