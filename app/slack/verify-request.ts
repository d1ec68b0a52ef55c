import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Headers, headerOf, parseSlackBody, slackBodyProblem, teamIdOfBody } from './request';

/**
 * The gate in front of both Bolt receivers (AwsLambdaReceiver on Lambda, HTTPReceiver locally), run on the raw
 * body before anything reads it. Bolt's own checks are not enough on their own:
 * - AwsLambdaReceiver parses the body before it checks the signature, so an unsigned `payload=%7Bnot-json`
 *   throws inside Bolt and answers 500 instead of 401;
 * - both receivers refuse only *old* timestamps: a request signed for next year passes, and can be replayed;
 * - a request from another workspace fails in `authorize`, which AwsLambdaReceiver turns into a 500.
 * Slack's rule is "within five minutes of now": either way.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */

/** Slack's tolerance for the request timestamp, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackRequestRefusal {
  /**
   * 401 for anything not provably from our workspace; 400 for a correctly signed body that cannot be read or
   * lacks what every Slack request of its kind carries (see slackBodyProblem).
   */
  status: 400 | 401;
  /** Why, for the log (never echoed to the caller). */
  reason: string;
}

export interface SlackRequestVerifierOptions {
  signingSecret: string;
  /** The only workspace allowed to call the app; requests naming another team, or none, are refused. */
  teamId: string | undefined;
  now?: () => number;
}

/** `undefined` when the request may go on to Bolt, otherwise the refusal to answer with. */
export type SlackRequestVerifier = (rawBody: string, headers: Headers) => SlackRequestRefusal | undefined;

const SIGNATURE = /^v0=([0-9a-f]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * Builds the verifier. The signature is checked first, over the exact bytes received; the body is parsed only once it is authentic.
 */
export function createSlackRequestVerifier(options: SlackRequestVerifierOptions): SlackRequestVerifier {
  const now = options.now ?? Date.now;
  return (rawBody, headers) => {
    const timestamp = headerOf(headers, 'x-slack-request-timestamp') ?? '';
    const signature = SIGNATURE.exec(headerOf(headers, 'x-slack-signature') ?? '')?.[1];
    if (signature === undefined || !TIMESTAMP.test(timestamp)) {
      return { status: 401, reason: 'missing or malformed signature headers' };
    }
    const skew = Math.abs(Math.floor(now() / 1000) - Number(timestamp));
    if (skew > MAX_CLOCK_SKEW_SECONDS) {
      return { status: 401, reason: `timestamp ${timestamp} is ${skew} s away from now (at most 300 s)` };
    }
    const expected = createHmac('sha256', options.signingSecret)
      .update(`v0:${timestamp}:${rawBody}`)
      .digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      return { status: 401, reason: 'signature mismatch' };
    }

    const body = parseSlackBody(rawBody, headers);
    if (body === undefined) return { status: 400, reason: 'signed body is not a Slack request' };
    // Slack's SSL check of a slash command URL names no team; Bolt answers it with an empty 200.
    if (body.ssl_check === '1') return undefined;
    if (options.teamId !== undefined) {
      const team = teamIdOfBody(body);
      if (team !== options.teamId) {
        return {
          status: 401,
          reason:
            team === undefined
              ? 'request names no team (an Enterprise Grid org-level request?)'
              : `request from Slack team ${team}, not ${options.teamId}`,
        };
      }
    }
    const problem = slackBodyProblem(body);
    if (problem !== undefined)
      return { status: 400, reason: `signed body is not a Slack request (${problem})` };
    return undefined;
  };
}
