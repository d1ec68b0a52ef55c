/** Signed Slack request builders live with the local stack (its page sends the same requests). */
export * from '../../app/local/slack-requests';
