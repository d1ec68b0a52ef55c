import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './errors';

/** The placeholder request URL in manifest.json. */
export const MANIFEST_PLACEHOLDER_URL = 'https://infrawatch.example.com/slack/events';

export class ManifestUrlError extends AppError {
  readonly code = 'ManifestUrl';
}

/** manifest.json at the repository (or package) root. */
export function readManifest(root = join(__dirname, '..', '..')): Record<string, unknown> {
  const candidates = [join(root, 'manifest.json'), join(__dirname, '..', 'manifest.json')];
  for (const file of candidates) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new ManifestUrlError('manifest.json not found');
}

/**
 * The Slack app manifest with every request URL (slash command, interactivity) set to `url`, ready to paste
 * into api.slack.com/apps. Slack only accepts public HTTPS URLs there.
 */
export function manifestFor(url: string, manifest = readManifest()): Record<string, unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ManifestUrlError(
      `'${url}' is not a URL; give the Slack endpoint, e.g. https://abc.lambda-url.us-east-1.on.aws/slack/events`,
    );
  }
  if (parsed.protocol !== 'https:')
    throw new ManifestUrlError(`Slack requires an https:// request URL, got '${url}'`);
  const text = JSON.stringify(manifest).split(MANIFEST_PLACEHOLDER_URL).join(parsed.toString());
  return JSON.parse(text) as Record<string, unknown>;
}
