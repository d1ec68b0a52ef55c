import { parse } from 'node:querystring';
import { isRecord } from '../../src/json';

export type Headers = Record<string, string | undefined>;

/**
 * A Function URL (or API Gateway HTTP API) event with its body as text. Function URLs deliver form posts
 * base64-encoded; Bolt decodes them as ASCII, which breaks the signature of any non-ASCII text (an "é" in a
 * command): Slack signs the UTF-8 bytes it sends, so they are decoded as UTF-8 here, before anyone verifies.
 */
export function withTextBody<E extends { body?: string; isBase64Encoded: boolean }>(event: E): E {
  if (!event.isBase64Encoded || event.body === undefined) return event;
  return { ...event, body: Buffer.from(event.body, 'base64').toString('utf8'), isBase64Encoded: false };
}

/** A header by name, whatever its case (Lambda Function URLs lower-case them, API Gateway may not). */
export function headerOf(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/**
 * A Slack request body as Bolt will read it: slash commands and `ssl_check` as form fields, interactions as a
 * form field `payload` holding JSON, Events API as JSON. `undefined` when Bolt's parser would throw on it.
 */
export function parseSlackBody(rawBody: string, headers: Headers): Record<string, unknown> | undefined {
  const contentType = headerOf(headers, 'content-type') ?? '';
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = parse(rawBody);
      if (typeof form.payload !== 'string') return form;
      const payload: unknown = JSON.parse(form.payload);
      return isRecord(payload) ? payload : undefined;
    }
    const json: unknown = JSON.parse(rawBody);
    return isRecord(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The workspace a parsed Slack request claims to come from: slash commands send `team_id` as a form field,
 * interactions `team.id` (null for an Enterprise Grid org-level payload), events `team_id`.
 */
export function teamIdOfBody(body: Record<string, unknown>): string | undefined {
  const team = body.team;
  const id = (isRecord(team) ? team.id : undefined) ?? body.team_id;
  return typeof id === 'string' ? id : undefined;
}
