import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleAccessOf, loadConfig } from '../../app/config';
import {
  BUNDLED_WATCHES_DIR,
  InfraConfigError,
  lambdaEnvironment,
  loadInfraConfig,
  parseInfraConfig,
} from '../../infra/config';
import { REPO_ROOT } from '../../infra/constructs/infrawatch-function';
import { deployedWatches } from '../../infra/watches';
import { builtInWatches } from '../../src/watches';
import { loadCatalog } from '../../src/watches/loader';
import { TEST_CONFIG_FILE } from '../helpers/cloud-assembly';

const EXAMPLE = join(REPO_ROOT, 'infrawatch.config.example.json');
const testJson = () => JSON.parse(readFileSync(TEST_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;

/** The message a configuration is refused with (the test fails if it is accepted). */
function refusal(json: unknown): string {
  try {
    parseInfraConfig(json, 'infrawatch.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(InfraConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

const RESOURCES = {
  tableName: 'InfraWatch-Table-1ABCDEF2GHIJ',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:SlackSecret-AbCdEf',
};

describe('infrawatch.config.json', () => {
  it('accepts the documented example and the test configuration', () => {
    // Act
    const config = loadInfraConfig(EXAMPLE);
    // Assess
    expect(config).toMatchObject({ homeRegion: 'eu-west-1', createTrail: true });
    expect(config.builtInWatches).toEqual(builtInWatches.map((watch) => watch.id));
    expect(loadInfraConfig(TEST_CONFIG_FILE).extraRegions).toEqual(['us-east-1', 'eu-central-1']);
  });

  it.each([
    [{ digestTimeZone: 'Paris' }, 'digestTimeZone must be an IANA time zone such as Europe/Paris'],
    [{ digestTime: '9am' }, 'digestTime must be a 24-hour time HH:MM such as 09:00'],
    [{ homeAccount: '1234' }, 'homeAccount must be a 12-digit AWS account id'],
    [{ slackTeamId: 'C123' }, 'slackTeamId must be a Slack team id (T…)'],
    [{ extraRegions: ['eu-west-1'] }, 'extraRegions must not list homeRegion'],
    [{ builtInWatches: ['iam', 'nope'] }, 'builtInWatches.1 must be "all" or ids among security-groups'],
    [{ organizationId: 'o-abcdefghij' }, 'memberAccounts and organizationId are exclusive'],
    [{ alarmEmail: 'ops' }, 'alarmEmail must be an e-mail address'],
    [{ logRetentionDays: 10 }, 'logRetentionDays must be one of 1, 3, 5'],
    [{ creatTrail: true }, 'Unrecognized key: "creatTrail"'],
    [
      { consoleAccess: { portalUrl: 'http://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' } },
      'consoleAccess.portalUrl must be the https URL of the AWS access portal',
    ],
    [
      { consoleAccess: { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'Read Only' } },
      'consoleAccess.roleName must be a permission set name such as ReadOnly',
    ],
    [{ consoleAccess: { portalUrl: 'https://d-1234567890.awsapps.com/start' } }, 'consoleAccess.roleName'],
  ])('refuses %j with one line naming the field', (change, message) => {
    // Act
    const text = refusal({ ...example(), ...change });
    // Assess
    expect(text).toContain(message);
    expect(text.startsWith('Invalid infrawatch.config.json: ')).toBe(true);
    expect(text).not.toContain('\n');
  });

  it('names a missing required field', () => {
    const { createTrail: _omitted, ...rest } = example();
    expect(refusal(rest)).toContain('createTrail');
  });

  it('reports an unreadable or non-JSON file by name', () => {
    expect(() => loadInfraConfig('/nonexistent/infrawatch.config.json')).toThrow(
      /^Cannot read \/nonexistent\/infrawatch\.config\.json/,
    );
    expect(() => loadInfraConfig(join(REPO_ROOT, 'README.md'))).toThrow(/README\.md: not JSON/);
  });
});

describe('the Lambda environment derived from the configuration', () => {
  it("is accepted by the app's own loadConfig on Lambda, value for value", () => {
    // Prepare
    const config = loadInfraConfig(TEST_CONFIG_FILE);
    // Act
    const env = lambdaEnvironment(config, RESOURCES, { customWatches: true });
    const app = loadConfig({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'InfraWatch-EventsFunction' });
    // Assess
    expect(app).toMatchObject({
      TABLE_NAME: RESOURCES.tableName,
      SLACK_SECRET_ARN: RESOURCES.secretArn,
      SLACK_TEAM_ID: config.slackTeamId,
      DEFAULT_CHANNEL: config.defaultChannel,
      ADMINS: config.admins,
      ACCOUNT_ALIASES: config.accountAliases,
      BURST_WINDOW_SECONDS: config.burstWindowSeconds,
      EVENT_BUS_NAME: config.eventBusName,
      DIGEST_TIMEZONE: config.digestTimeZone,
      WATCHES_DIR: BUNDLED_WATCHES_DIR,
    });
  });

  it('gives the app the "Was this you?" map of IAM names to Slack users, validated at synth', () => {
    // Prepare
    const config = parseInfraConfig({ ...testJson(), actorSlackUsers: { 'deploy-bob': 'U0BOB' } });
    // Act
    const env = lambdaEnvironment(config, RESOURCES, { customWatches: false });
    // Assess
    expect(loadConfig({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'x' }).ACTOR_SLACK_USERS).toEqual({
      'deploy-bob': 'U0BOB',
    });
    expect(() => parseInfraConfig({ ...testJson(), actorSlackUsers: { bob: 'bob' } })).toThrow(
      /actorSlackUsers/,
    );
  });

  it('gives the app the IAM Identity Center access portal console links go through', () => {
    // Prepare
    const consoleAccess = { portalUrl: 'https://d-1234567890.awsapps.com/start', roleName: 'ReadOnly' };
    const config = parseInfraConfig({ ...testJson(), consoleAccess });
    // Act
    const env = lambdaEnvironment(config, RESOURCES, { customWatches: false });
    const app = loadConfig({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'x' });
    // Assess
    expect(consoleAccessOf(app)).toEqual(consoleAccess);
    expect(loadInfraConfig(EXAMPLE).consoleAccess).toEqual(consoleAccess);
  });

  it('is accepted with the optional fields left out', () => {
    // Prepare
    const { defaultChannel: _c, admins: _a, accountAliases: _l, consoleAccess: _p, ...rest } = example();
    const config = parseInfraConfig(rest);
    // Act
    const env = lambdaEnvironment(config, RESOURCES, { customWatches: false });
    // Assess
    expect(loadConfig({ ...env, AWS_LAMBDA_FUNCTION_NAME: 'x' })).toMatchObject({
      ADMINS: [],
      ACCOUNT_ALIASES: {},
    });
    expect(env).not.toHaveProperty('WATCHES_DIR');
    expect(env).not.toHaveProperty('DEFAULT_CHANNEL');
    expect(env).not.toHaveProperty('CONSOLE_PORTAL_URL');
    expect(env).not.toHaveProperty('CONSOLE_ROLE_NAME');
  });

  it('gives the app exactly the watches that have rules when only some built-in ones are enabled', () => {
    // Prepare
    const config = parseInfraConfig({ ...testJson(), builtInWatches: ['iam', 'signin'] });
    // Act
    const app = loadConfig({
      ...lambdaEnvironment(config, RESOURCES, { customWatches: true }),
      AWS_LAMBDA_FUNCTION_NAME: 'x',
    });
    // The bundle carries the custom files under WATCHES_DIR; here they are read from the configured folder.
    const catalog = loadCatalog({
      watchesDir: join(REPO_ROOT, String(config.customWatchesDir)),
      ...(app.BUILT_IN_WATCHES ? { builtIn: app.BUILT_IN_WATCHES } : {}),
    });
    // Assess
    expect(app.BUILT_IN_WATCHES).toEqual(['iam', 'signin']);
    const deployed = deployedWatches(config, REPO_ROOT).watches.map((watch) => watch.id);
    expect(catalog.watches.map((watch) => watch.id)).toEqual(deployed);
    expect(deployed).toEqual(['classic-sg-changes', 'iam', 'signin']);
  });

  it('leaves BUILT_IN_WATCHES out when every built-in watch is enabled', () => {
    const env = lambdaEnvironment(loadInfraConfig(TEST_CONFIG_FILE), RESOURCES, { customWatches: true });
    expect(env).not.toHaveProperty('BUILT_IN_WATCHES');
  });

  it('carries no Slack credential, only the secret ARN', () => {
    const env = lambdaEnvironment(loadInfraConfig(TEST_CONFIG_FILE), RESOURCES, { customWatches: true });
    expect(Object.keys(env).filter((key) => /TOKEN|SIGNING|PASSWORD|SECRET(?!_ARN)/.test(key))).toEqual([]);
  });
});
