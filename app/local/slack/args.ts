/** Reading a Web API call's arguments, and the errors Slack answers with. */

export type Args = Record<string, unknown>;
export type Body = Record<string, unknown>;

/** A Slack API error answered as HTTP 200 `{ ok: false, error, ...details }`. */
export class SlackMethodError extends Error {
  constructor(
    readonly code: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code);
    this.name = new.target.name;
  }
}

/** chat.postMessage over the channel's limit: answered HTTP 429 with `Retry-After`, as Slack does. */
export class RateLimitedError extends SlackMethodError {
  constructor(readonly retryAfterSeconds: number) {
    super('ratelimited');
  }
}

export function invalidArguments(message: string, pointer?: string): SlackMethodError {
  const line = pointer ? `[ERROR] ${message} [json-pointer:${pointer}]` : `[ERROR] ${message}`;
  return new SlackMethodError('invalid_arguments', { response_metadata: { messages: [line] } });
}

export function optionalString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidArguments('must provide a string', `/${name}`);
}

export function requiredString(args: Args, name: string): string {
  const value = optionalString(args, name);
  if (value === undefined) throw invalidArguments(`missing required field: ${name}`);
  return value;
}

/** One Web API method: validated arguments in, the fields of an `ok: true` answer out. */
export type MethodHandler = (args: Args) => Body;
