import { parse } from 'node:querystring';

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * The workspace a Slack request claims to come from, read without trusting anything else in it: slash
 * commands send `team_id` as a form field, interactions a JSON `payload` with `team.id`, events `team_id`.
 */
export function teamIdOfRequest(
  rawBody: string,
  headers: Record<string, string | undefined>,
): string | undefined {
  try {
    const contentType = header(headers, 'content-type') ?? '';
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = parse(rawBody);
      if (typeof form.payload === 'string') {
        const payload = JSON.parse(form.payload) as { team?: { id?: unknown } | null; team_id?: unknown };
        const id = payload.team?.id ?? payload.team_id;
        return typeof id === 'string' ? id : undefined;
      }
      return typeof form.team_id === 'string' ? form.team_id : undefined;
    }
    const json = JSON.parse(rawBody) as { team_id?: unknown; team?: { id?: unknown } };
    const id = json.team_id ?? json.team?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
