import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { awsClientConfig } from './aws/clients';
import type { Config } from './config';
import { AppError } from './errors';

export interface SlackSecrets {
  botToken: string;
  signingSecret?: string;
}

export class SecretsError extends AppError {
  readonly code: 'Secrets' | 'SecretNotSet' = 'Secrets';
}

/**
 * The secret exists but does not hold Slack credentials yet: the stack creates it with a placeholder, and the
 * operator sets it once the Slack app exists. Retrying sooner cannot help; the message says what to run.
 */
export class SecretNotSetError extends SecretsError {
  override readonly code = 'SecretNotSet';
}

const secretSchema = z.object({
  botToken: z.string().startsWith('xoxb-'),
  signingSecret: z.string().min(8),
});

/** Seconds a container keeps a valid secret before asking Secrets Manager again. */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * While the secret is not set, each container asks again at most this often: the operator's
 * put-secret-value takes effect within seconds, and a flood of requests does not become a flood of calls.
 */
const NOT_SET_RECHECK_MS = 5_000;

/** The command that sets the secret (also printed by the stack's output). */
export function putSecretCommand(secretArn: string): string {
  return `aws secretsmanager put-secret-value --secret-id ${secretArn} --secret-string '{"botToken":"xoxb-…","signingSecret":"…"}'`;
}

let provider: Promise<SecretsProvider> | undefined;
const notSet = new Map<string, { at: number; error: SecretNotSetError }>();

/**
 * Secrets Manager through Powertools Parameters (its cache keeps the value for SECRET_MAX_AGE_SECONDS), with a
 * client that has InfraWatch's timeouts. Loaded on the first read, so module load stays free of the SDK.
 */
function secretsProvider(): Promise<SecretsProvider> {
  provider ??= Promise.all([
    import('@aws-lambda-powertools/parameters/secrets'),
    import('@aws-sdk/client-secrets-manager'),
  ]).then(
    ([{ SecretsProvider }, { SecretsManagerClient }]) =>
      new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(awsClientConfig()) }),
  );
  return provider;
}

/** Field names only: the secret's values must never reach a log or an error message. */
function parseSecret(secretArn: string, value: unknown): SlackSecrets {
  let json: unknown;
  try {
    json = typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    json = undefined;
  }
  const parsed = secretSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const bad =
    json === undefined
      ? 'it is not JSON'
      : `bad fields: ${parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ')}`;
  throw new SecretNotSetError(
    `The Slack secret ${secretArn} is not set yet (${bad}). It must hold {"botToken":"xoxb-…","signingSecret":"…"}: ${putSecretCommand(secretArn)}`,
  );
}

/**
 * Slack credentials: from Secrets Manager (cached) when deployed, from the environment only for the local
 * stack and tests. A secret that does not hold them yet (the stack's placeholder) throws
 * {@link SecretNotSetError}; it is read again after NOT_SET_RECHECK_MS, bypassing the cache.
 */
export async function loadSlackSecrets(config: Config, now: () => number = Date.now): Promise<SlackSecrets> {
  const secretArn = config.SLACK_SECRET_ARN;
  if (secretArn === undefined) {
    if (config.SLACK_BOT_TOKEN === undefined) throw new SecretsError('No Slack bot token configured');
    return {
      botToken: config.SLACK_BOT_TOKEN,
      ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    };
  }
  const previous = notSet.get(secretArn);
  if (previous && now() - previous.at < NOT_SET_RECHECK_MS) throw previous.error;
  let value: unknown;
  try {
    value = await (await secretsProvider()).get(secretArn, {
      maxAge: SECRET_MAX_AGE_SECONDS,
      ...(previous ? { forceFetch: true } : {}),
    });
  } catch (error) {
    throw new SecretsError(`Could not read the Slack secret ${secretArn}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const secrets = parseSecret(secretArn, value);
    notSet.delete(secretArn);
    return secrets;
  } catch (error) {
    if (error instanceof SecretNotSetError) notSet.set(secretArn, { at: now(), error });
    throw error;
  }
}
