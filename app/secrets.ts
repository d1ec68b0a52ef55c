import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import type { Config } from './config';

export interface SlackSecrets {
  botToken: string;
  signingSecret?: string;
}

export class SecretsError extends Error {
  readonly code = 'Secrets';
}

const secretSchema = z.object({
  botToken: z.string().startsWith('xoxb-'),
  signingSecret: z.string().min(8),
});

/** Seconds a Lambda container keeps the secret before asking Secrets Manager again (rotation takes effect). */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * Slack credentials: from Secrets Manager (cached by Powertools Parameters) when deployed, from the
 * environment only for the local stack and tests. Values are never logged.
 */
export async function loadSlackSecrets(config: Config): Promise<SlackSecrets> {
  if (config.SLACK_SECRET_ARN === undefined) {
    if (config.SLACK_BOT_TOKEN === undefined) throw new SecretsError('No Slack bot token configured');
    return {
      botToken: config.SLACK_BOT_TOKEN,
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    };
  }
  const value = await getSecret(config.SLACK_SECRET_ARN, {
    transform: 'json',
    maxAge: SECRET_MAX_AGE_SECONDS,
  });
  const parsed = secretSchema.safeParse(value);
  if (!parsed.success) {
    // Only the field names are reported: the secret's values must never reach a log.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new SecretsError(
      `Secret ${config.SLACK_SECRET_ARN} must be JSON {"botToken":"xoxb-…","signingSecret":"…"}; bad: ${fields}`,
    );
  }
  return parsed.data;
}
