import { createHmac } from 'node:crypto';

/** Headers Slack signs requests to an app with (https://api.slack.com/authentication/verifying-requests-from-slack). */
export interface SlackSignatureHeaders {
  readonly 'x-slack-request-timestamp': string;
  readonly 'x-slack-signature': string;
}

/**
 * Signs a request body as Slack does (v0: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret). The one
 * signing function of the repository: the local page, the tests and the benchmarks all send requests signed by it,
 * so what they prove about the app's verification holds for Slack's requests.
 */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const timestamp = String(timestampSeconds);
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${digest}` };
}
