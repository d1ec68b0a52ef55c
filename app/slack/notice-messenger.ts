import type { WebClient } from '@slack/web-api';
import type { NoticeMessenger } from '../../src/use-cases/heartbeat';
import { findInHistory } from './history';

/** Slack's metadata event type on InfraWatch's notices (not alerts): how a lost post is found again. */
export const NOTICE_METADATA_TYPE = 'infrawatch_notice';

/**
 * The Slack adapter of the NoticeMessenger port: a notice carries its id in message metadata, and the
 * channel's history since the first attempt is searched for it when an earlier post's answer was lost. Notices
 * are rare (one per silent account and silence), so they are not paced; a 429 fails the run, and the next run
 * looks for the post before posting again.
 */
export function createNoticeMessenger(clients: { general: WebClient; posting: WebClient }): NoticeMessenger {
  return {
    async post(channel, message, noticeId) {
      const response = await clients.posting.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: NOTICE_METADATA_TYPE, event_payload: { notice_id: noticeId } },
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!response.ts || !response.channel) throw new Error('chat.postMessage answered without channel/ts');
      return { channel: response.channel, ts: response.ts };
    },
    async findPosted(channel, noticeId, attemptIso) {
      const ts = await findInHistory(clients.general, channel, attemptIso, {
        eventType: NOTICE_METADATA_TYPE,
        payload: { notice_id: noticeId },
      });
      return ts ? { channel, ts } : undefined;
    },
  };
}
