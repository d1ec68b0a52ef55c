import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { builtInWatches } from '../src/watches/catalog';

/**
 * The deployment's configuration (`infrawatch.config.json`, documented by `infrawatch.config.example.json`),
 * validated once when the CDK app starts. A bad file stops `cdk synth` with one line naming the field.
 */
export class InfraConfigError extends Error {
  readonly code = 'InfraConfig';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const BUILT_IN_IDS = builtInWatches.map((watch) => watch.id);

const slackId = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}[A-Z0-9]{2,}$`), `must be a Slack ${what} id (${prefix}…)`);
const accountId = z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account id');
const region = z.string().regex(REGION, 'must be an AWS region such as eu-west-1');

const ianaTimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');

const schema = z
  .object({
    $schema: z.string().optional(),
    /** The CloudFormation stack names (main stack; the forwarder is `<stackName>Forwarder`). */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'must be letters, digits and dashes, starting with a letter')
      .default('InfraWatch'),
    /** The only workspace allowed to call the app. */
    slackTeamId: slackId('T', 'team'),
    /** Subscribed to every watch the first time the table is used. */
    defaultChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id (C… or G…)')
      .optional(),
    /** Slack user ids allowed to subscribe, unsubscribe and mute; empty: everyone may. */
    admins: z.array(slackId('[UW]', 'user')).default([]),
    /** Names shown instead of account ids. */
    accountAliases: z.record(accountId, z.string().min(1).max(64)).default({}),
    /**
     * "Was this you?": IAM user names or role session names -> Slack user ids, for people whose session is
     * not their e-mail address (an e-mail session name is looked up in Slack without configuration).
     */
    actorSlackUsers: z
      .record(
        z.string().regex(/^[\w+=,.@-]{1,64}$/, 'keys must be IAM user names or role session names'),
        slackId('[UW]', 'user'),
      )
      .default({}),
    /**
     * People sign in through IAM Identity Center: console links in messages go through this access portal
     * (`https://d-1234567890.awsapps.com/start`) into the change's account, with this permission set.
     */
    consoleAccess: z
      .object({
        portalUrl: z
          .url({ protocol: /^https$/, error: 'must be the https URL of the AWS access portal' })
          .refine((url) => !/[?#]/.test(url), 'must be the access portal URL without query or fragment'),
        roleName: z.string().regex(/^[\w+=,.@-]{1,32}$/, 'must be a permission set name such as ReadOnly'),
      })
      .strict()
      .optional(),
    /** The built-in watches that get rules: "all" or a list of ids. */
    builtInWatches: z.preprocess(
      (value) => (value === 'all' ? [...BUILT_IN_IDS] : value),
      z
        .array(
          z.enum(
            BUILT_IN_IDS as [string, ...string[]],
            `must be "all" or ids among ${BUILT_IN_IDS.join(', ')}`,
          ),
        )
        .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
        .default([...BUILT_IN_IDS]),
    ),
    /** Folder of custom watch files (`*.json`), relative to the current directory; they travel with the bundles. */
    customWatchesDir: z.string().min(1).optional(),
    burstWindowSeconds: z.number().int().min(0).max(3600).default(60),
    /** Daily digest time, 24-hour `HH:MM`, in {@link digestTimeZone}. */
    digestTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM such as 09:00')
      .default('09:00'),
    digestTimeZone: ianaTimeZone.default('UTC'),
    /** Where the main stack runs: the central bus, the table and the functions. */
    homeAccount: accountId,
    homeRegion: region,
    /** Other regions of every watched account whose events are forwarded to the home region. */
    extraRegions: z.array(region).default([]),
    /** Member accounts whose forwarders may put events on the central bus (or give organizationId). */
    memberAccounts: z.array(accountId).default([]),
    /** Admit every account of this AWS Organization to the central bus (`aws:PrincipalOrgID`). */
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an Organization id such as o-a1b2c3d4e5')
      .optional(),
    /** Create a multi-region CloudTrail trail (EventBridge only sees API calls that a trail logs). */
    createTrail: z.boolean(),
    /** Receives the alarms (SNS e-mail subscription, confirmed from the first message). */
    alarmEmail: z.email('must be an e-mail address'),
    /** The bus acknowledgement and digest-request events are published to (an existing bus, or default). */
    eventBusName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,256}$/, 'must be an event bus name')
      .default('default'),
    /** Alarm when no change was recorded for this many hours (a dead pipeline is the worst failure). */
    noChangeAlarmHours: z.number().int().min(1).max(168).default(24),
    /**
     * How often the reconcile function reads CloudTrail's event history of every watched account and region
     * and records the watched changes EventBridge never delivered (EventBridge Scheduler, rate in minutes).
     */
    reconcileIntervalMinutes: z.number().int().min(5).max(60).default(15),
    /**
     * Accounts reconciled besides homeAccount and memberAccounts (with organizationId, list the member accounts
     * here: reconciliation assumes a role in each, by exact ARN, so it needs them named).
     */
    reconcileAccounts: z.array(accountId).default([]),
    /** Days CloudWatch keeps the functions' logs (one of the values CloudWatch Logs accepts). */
    logRetentionDays: z
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`)
      .default(90),
    /**
     * Reserved concurrency of the Slack function: a flood of forged requests cannot take more, so it cannot
     * starve the events function. null: no reservation (accounts whose concurrency quota is still 10).
     */
    slackReservedConcurrency: z.number().int().min(1).max(1000).nullable().default(10),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.organizationId !== undefined && config.memberAccounts.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['memberAccounts'],
        message: 'and organizationId are exclusive: give the Organization or the list of accounts',
      });
    }
    if (config.memberAccounts.includes(config.homeAccount)) {
      ctx.addIssue({ code: 'custom', path: ['memberAccounts'], message: 'must not list homeAccount' });
    }
    if (config.extraRegions.includes(config.homeRegion)) {
      ctx.addIssue({ code: 'custom', path: ['extraRegions'], message: 'must not list homeRegion' });
    }
    // The forwarder's reconcile role is named <stackName>-reconcile-<region>: IAM role names have 64 characters.
    if (reconcileRoleName(config.stackName, 'ap-southeast-5').length > 64) {
      ctx.addIssue({ code: 'custom', path: ['stackName'], message: 'must be at most 39 characters' });
    }
    if (new Set(config.extraRegions).size !== config.extraRegions.length) {
      ctx.addIssue({ code: 'custom', path: ['extraRegions'], message: 'must not repeat a region' });
    }
  });

export type InfraConfig = z.infer<typeof schema>;

/** Validates a parsed configuration; every problem is listed in one line, each naming its field. */
export function parseInfraConfig(json: unknown, source = 'configuration'): InfraConfig {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    return field === '' ? issue.message : `${field} ${issue.message}`;
  });
  throw new InfraConfigError(`Invalid ${source}: ${problems.join('; ')}`);
}

/** Reads and validates a configuration file. */
export function loadInfraConfig(file: string): InfraConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InfraConfigError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InfraConfigError(`Invalid ${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  return parseInfraConfig(json, file);
}

/** Every region a watched account forwards from or is watched in: the home region first. */
export function watchedRegions(config: InfraConfig): readonly string[] {
  return [config.homeRegion, ...config.extraRegions];
}

/** The forwarder stack's reconcile role in one region (IAM is global: one role per region it serves). */
export function reconcileRoleName(stackName: string, region: string): string {
  return `${stackName}-reconcile-${region}`;
}

/** The reconcile function's role in the home account: the only principal the member roles trust. */
export function reconcileFunctionRoleName(config: InfraConfig): string {
  return `${config.stackName}-reconcile-function`;
}

/** A target of reconciliation, as the reconcile function's RECONCILE_TARGETS lists it. */
export interface ReconcileTargetConfig {
  account: string;
  region: string;
  roleArn?: string;
}

/**
 * Every watched account and region: the home account's home region is read with the function's own role,
 * everything else through the forwarder's reconcile role there.
 */
export function reconcileTargets(config: InfraConfig): ReconcileTargetConfig[] {
  const accounts = [...new Set([config.homeAccount, ...config.memberAccounts, ...config.reconcileAccounts])];
  return accounts.flatMap((account) =>
    watchedRegions(config).map((region) =>
      account === config.homeAccount && region === config.homeRegion
        ? { account, region }
        : {
            account,
            region,
            roleArn: `arn:aws:iam::${account}:role/${reconcileRoleName(config.stackName, region)}`,
          },
    ),
  );
}

/** Where the custom watch files are inside each function bundle (Lambda's working directory is /var/task). */
export const BUNDLED_WATCHES_DIR = 'watches';

/** What the stack creates that the functions must know about. */
export interface DeployedResources {
  tableName: string;
  secretArn: string;
}

/**
 * The functions' environment, derived from the configuration: exactly the variables `app/config.ts` reads.
 * Secrets are never here: only the secret's ARN (the functions read it through the cached loader).
 */
export function lambdaEnvironment(
  config: InfraConfig,
  resources: DeployedResources,
  options: { customWatches: boolean },
): Record<string, string> {
  return {
    TABLE_NAME: resources.tableName,
    SLACK_SECRET_ARN: resources.secretArn,
    SLACK_TEAM_ID: config.slackTeamId,
    ...(config.defaultChannel === undefined ? {} : { DEFAULT_CHANNEL: config.defaultChannel }),
    ADMINS: config.admins.join(','),
    ACCOUNT_ALIASES: JSON.stringify(config.accountAliases),
    ...(Object.keys(config.actorSlackUsers).length === 0
      ? {}
      : { ACTOR_SLACK_USERS: JSON.stringify(config.actorSlackUsers) }),
    BURST_WINDOW_SECONDS: String(config.burstWindowSeconds),
    EVENT_BUS_NAME: config.eventBusName,
    DIGEST_TIMEZONE: config.digestTimeZone,
    ...(config.consoleAccess === undefined
      ? {}
      : {
          CONSOLE_PORTAL_URL: config.consoleAccess.portalUrl,
          CONSOLE_ROLE_NAME: config.consoleAccess.roleName,
        }),
    ...(options.customWatches ? { WATCHES_DIR: BUNDLED_WATCHES_DIR } : {}),
    // Only a subset is spelled out: the app's default is every built-in watch.
    ...(config.builtInWatches.length === BUILT_IN_IDS.length
      ? {}
      : { BUILT_IN_WATCHES: config.builtInWatches.join(',') }),
  };
}
