import { parse } from 'node:querystring';
import * as z from 'zod';
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

/*
 * The fields the listeners read, as Slack always sends them. Bolt's payload types promise this shape without
 * checking it; a signed body that breaks the promise (a user id that is a number, a channel that is a string, a
 * repeated form field) would otherwise reach a listener as garbage: a 500 from a TypeError, or a number
 * written into an acknowledgement where a Slack user id belongs. Unknown keys are kept: Slack adds fields.
 */
const slackText = z.string();
const interactionSchema = z.looseObject({
  type: z.string(),
  user: z.looseObject({
    id: slackText,
    name: slackText.optional(),
    username: slackText.optional(),
    team_id: slackText.nullish(),
  }),
  // Bolt reads `channel.id` whenever `channel` is not undefined: a null channel would crash it.
  channel: z.looseObject({ id: slackText }).optional(),
  trigger_id: slackText.optional(),
  message: z.looseObject({ ts: slackText }).nullish(),
  actions: z
    .array(
      z.looseObject({
        action_id: slackText,
        value: z.string().optional(),
        selected_option: z.looseObject({ value: slackText }).nullish(),
      }),
    )
    .optional(),
  view: z
    .looseObject({
      callback_id: slackText,
      private_metadata: z.string().optional(),
      state: z
        .looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) })
        .optional(),
    })
    .nullish(),
});
const slashCommandSchema = z.looseObject({
  command: slackText,
  text: z.string().optional(),
  user_id: slackText,
  user_name: slackText.optional(),
  channel_id: slackText,
  team_id: slackText,
  trigger_id: slackText,
});

/**
 * Why a parsed, authentic Slack request cannot be handed to the listeners (see the schemas above), or
 * `undefined` when it can. Slash commands are forms with a `command` field; interactions carry a `user`;
 * anything else (ssl_check, an Events API body) is left to Bolt, which answers 404 when no listener is for it.
 */
export function slackBodyProblem(body: Record<string, unknown>): string | undefined {
  const schema = schemaOf(body);
  if (schema === undefined) return undefined;
  const result = schema.safeParse(body);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
}

function schemaOf(body: Record<string, unknown>): z.ZodType | undefined {
  if (body.command !== undefined) return slashCommandSchema;
  // Events API bodies: Bolt acknowledges them itself, and InfraWatch subscribes to no event.
  if (body.type === 'event_callback' || body.type === 'url_verification') return undefined;
  if (body.user !== undefined || body.type !== undefined) return interactionSchema;
  return undefined;
}
