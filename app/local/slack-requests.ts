/**
 * Slack requests as Slack sends them (slash commands, block_actions, view_submission), signed with the app's
 * signing secret: how the local stack's page, the tests and the benchmarks talk to the real Bolt receivers.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signSlackRequest } from './slack/signing';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const TEAM_ID = 'T0INFRAWATCH';
export const FOREIGN_TEAM_ID = 'T0ELSEWHERE';

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** A form body signed the way Slack signs it (see {@link signSlackRequest}), headers ready to send. */
export function sign(
  body: string,
  options: { secret?: string; timestamp?: number } = {},
): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(options.secret ?? SIGNING_SECRET, body, options.timestamp),
  };
}

export interface Actor {
  userId: string;
  userName: string;
  teamId?: string;
}

export function slashCommand(
  text: string,
  who: Actor,
  channel: string,
  triggerId = `trigger-${Math.random()}`,
): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: who.teamId ?? TEAM_ID,
    team_domain: 'infrawatch-test',
    channel_id: channel,
    channel_name: 'alerts',
    user_id: who.userId,
    user_name: who.userName,
    command: '/infrawatch',
    text,
    api_app_id: 'A0INFRAWATCH',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0INFRAWATCH/1/abc',
    trigger_id: triggerId,
  }).toString();
}

export function blockAction(
  action: {
    action_id: string;
    value?: string;
    selected_option?: { value: string };
    type?: 'button' | 'overflow';
  },
  who: Actor,
  channel: string,
  options: { messageTs?: string; triggerId?: string } = {},
): string {
  const type = action.type ?? (action.selected_option ? 'overflow' : 'button');
  const payload = {
    type: 'block_actions',
    user: { id: who.userId, username: who.userName, name: who.userName, team_id: who.teamId ?? TEAM_ID },
    api_app_id: 'A0INFRAWATCH',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: options.messageTs ?? '1.000000',
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: options.triggerId ?? `trigger-${Math.random()}`,
    team: { id: who.teamId ?? TEAM_ID, domain: 'infrawatch-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'alerts' },
    message: { type: 'message', ts: options.messageTs ?? '1.000000', text: 'alert' },
    response_url: 'https://hooks.slack.com/actions/T0INFRAWATCH/1/abc',
    actions: [{ block_id: 'infrawatch_actions', action_ts: String(Date.now() / 1000), type, ...action }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function viewSubmission(
  view: {
    callback_id: string;
    private_metadata: string;
    values: Record<string, Record<string, { type: string; value: string | null }>>;
  },
  who: Actor,
): string {
  const payload = {
    type: 'view_submission',
    team: { id: who.teamId ?? TEAM_ID, domain: 'infrawatch-test' },
    user: { id: who.userId, username: who.userName, name: who.userName, team_id: who.teamId ?? TEAM_ID },
    api_app_id: 'A0INFRAWATCH',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${Math.random()}`,
    view: {
      id: 'V0NOTE',
      team_id: who.teamId ?? TEAM_ID,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      state: { values: view.values },
      hash: 'h',
      title: { type: 'plain_text', text: 'Acknowledge' },
      blocks: [],
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A Lambda Function URL / API Gateway HTTP API (payload 2.0) event carrying a Slack request. */
export function functionUrlEvent(
  request: SignedRequest,
  options: { base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: request.headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/slack/events',
        protocol: 'HTTP/1.1',
        sourceIp: '3.4.5.6',
        userAgent: 'Slackbot 1.0',
      },
      requestId: `req-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: options.base64 ? Buffer.from(request.body, 'utf8').toString('base64') : request.body,
    isBase64Encoded: options.base64 ?? false,
  };
}
