import * as z from 'zod';
import type { ConsoleAccess } from '../src/views/links';
import { AppError } from './errors';

export class ConfigError extends AppError {
  readonly code = 'Config';
}

const slackId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[A-Z0-9]{2,}$`), `must be a Slack id starting with ${prefix}`);

const accountAliases = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"123456789012":"prod"}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string().regex(/^\d{12}$/, 'keys must be 12-digit account ids'), z.string().min(1).max(64)),
  );

/** "Was this you?": IAM user names / role session names -> Slack user ids (JSON). */
const actorSlackUsers = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be JSON, e.g. {"alice":"U0123ABCD","deploy-bob":"U0456EFGH"}',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(z.string(), slackId('[UW]')).superRefine((map, ctx) => {
      for (const name of Object.keys(map))
        if (!/^[\w+=,.@-]{1,64}$/.test(name))
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'is not an IAM user name or role session name (letters, digits and +=,.@_-, at most 64)',
          });
    }),
  );

/** The accounts and regions the reconcile function reads (JSON, derived from the deployment's configuration). */
const reconcileTargets = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be JSON, e.g. [{"account":"123456789012","region":"eu-west-1"}]',
      });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z
        .object({
          account: z.string().regex(/^\d{12}$/, 'account must be a 12-digit account id'),
          region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'region must be an AWS region'),
          roleArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/, 'roleArn must be an IAM role ARN')
            .optional(),
        })
        .strict(),
    ),
  );

const schema = z
  .object({
    TABLE_NAME: z.string().min(3).max(255),
    /** Deployed: a Secrets Manager secret holding {"botToken","signingSecret"} (never plaintext env). */
    SLACK_SECRET_ARN: z.string().startsWith('arn:aws:secretsmanager:').optional(),
    /** Local stack and tests only. */
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().min(8).optional(),
    SLACK_API_URL: z.url().optional(),
    SLACK_TEAM_ID: slackId('T').optional(),
    DYNAMODB_ENDPOINT: z.url().optional(),
    DEFAULT_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id (C… or G…)')
      .optional(),
    BURST_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    /**
     * Divides every escalation wait: the local stack sets 60, so "after 15 min" comes after 15 s and the
     * page shows escalation at work. Deployed: 1 (a real 15 minutes).
     */
    ESCALATION_TIME_SCALE: z.coerce.number().int().min(1).max(3600).default(1),
    /**
     * How long after its render window closed an alert whose delayed render never ran (its finisher
     * dead-lettered) is repaired by the sweep (src/use-cases/coalesce-renders.ts). Tests shorten it.
     */
    RENDER_REPAIR_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Spacing of posts per channel (Slack allows about one message per second per channel). */
    SLACK_POST_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
    ACCOUNT_ALIASES: accountAliases.default({}),
    /** "Was this you?": who is asked, beyond e-mail session names (see src/changes/actor-identity.ts). */
    ACTOR_SLACK_USERS: actorSlackUsers.default({}),
    /**
     * The IAM Identity Center access portal (`https://d-1234567890.awsapps.com/start`) and the permission set
     * (`ReadOnly`) console links sign in with; both or neither. Unset: plain console links.
     */
    CONSOLE_PORTAL_URL: z
      .url({ protocol: /^https$/, error: 'must be the https URL of the AWS access portal' })
      .refine(
        (url) => !/[?#]/.test(url),
        'must be the access portal URL without query or fragment, e.g. https://d-1234567890.awsapps.com/start',
      )
      .optional(),
    CONSOLE_ROLE_NAME: z
      .string()
      .regex(/^[\w+=,.@-]{1,32}$/, 'must be a permission set name such as ReadOnly')
      .optional(),
    WATCHES_DIR: z.string().min(1).optional(),
    /** Comma-separated ids of the built-in watches deployed with rules; unset: every built-in watch. */
    BUILT_IN_WATCHES: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .optional(),
    /** Comma-separated Slack user ids allowed to unsubscribe and mute; empty: everyone may. */
    ADMINS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .pipe(z.array(slackId('[UW]'))),
    EVENT_BUS_NAME: z.string().min(1).max(256).default('default'),
    EVENTBRIDGE_ENDPOINT: z.url().optional(),
    /**
     * The events function's delayed-render queue (src/use-cases/coalesce-renders.ts). Unset: every batch
     * renders the alerts it touched itself (no coalescing across invocations).
     */
    RENDER_QUEUE_URL: z.url().optional(),
    /** Socket Mode (a real workspace without a public URL); local only. */
    SLACK_APP_TOKEN: z.string().startsWith('xapp-').optional(),
    /** The digest's day boundary (IANA time zone). */
    DIGEST_TIMEZONE: z
      .string()
      .default('UTC')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Paris'),
    /** Reconciliation with CloudTrail's event history (the reconcile function); empty: nothing to read. */
    RECONCILE_TARGETS: reconcileTargets.default([]),
    CLOUDTRAIL_ENDPOINT: z.url().optional(),
    /** How long after its end a window is first read (CloudTrail shows an event within about 15 minutes). */
    RECONCILE_LAG_SECONDS: z.coerce.number().int().min(0).max(3600).default(900),
    /** The schedule's interval: the first window, and the overlap each run reads again. */
    RECONCILE_WINDOW_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    /** An account that usually has changes and had none for this long gets the "has not seen a change" notice. */
    QUIET_HOURS: z.coerce.number().int().min(1).max(168).default(24),
    /** "Usually has changes": changes on at least this many of the last 7 days. */
    QUIET_USUAL_DAYS: z.coerce.number().int().min(1).max(7).default(3),
    AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.CONSOLE_PORTAL_URL === undefined) !== (env.CONSOLE_ROLE_NAME === undefined)) {
      const missing = env.CONSOLE_PORTAL_URL === undefined ? 'CONSOLE_PORTAL_URL' : 'CONSOLE_ROLE_NAME';
      const other = missing === 'CONSOLE_PORTAL_URL' ? 'CONSOLE_ROLE_NAME' : 'CONSOLE_PORTAL_URL';
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required with ${other}` });
    }
    if (env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
      if (env.SLACK_SECRET_ARN === undefined) {
        ctx.addIssue({ code: 'custom', path: ['SLACK_SECRET_ARN'], message: 'is required on Lambda' });
      }
      for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const) {
        if (env[name] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'must not be set on Lambda (secrets come from Secrets Manager)',
          });
        }
      }
    } else if (env.SLACK_SECRET_ARN === undefined && env.SLACK_BOT_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'or SLACK_SECRET_ARN is required' });
    }
  });

export type Config = z.infer<typeof schema>;

/** The access portal console links go through, or undefined for plain console links. */
export function consoleAccessOf(config: Config): ConsoleAccess | undefined {
  if (config.CONSOLE_PORTAL_URL === undefined || config.CONSOLE_ROLE_NAME === undefined) return undefined;
  return { portalUrl: config.CONSOLE_PORTAL_URL, roleName: config.CONSOLE_ROLE_NAME };
}

/** Reads and validates the configuration once; every problem is listed in one clear error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  throw new ConfigError(`Invalid InfraWatch configuration: ${problems.join('; ')}`);
}
