import { ConfigError, consoleAccessOf, loadConfig } from '../../app/config';
import { createAlertRenderer } from '../../app/runtime';
import { builtInCatalog } from '../../src/watches';
import { mrkdwnTexts } from '../helpers/block-kit';
import { burstOf, sshOpenToWorld } from '../views/changes';

const BASE = { TABLE_NAME: 'infrawatch', SLACK_BOT_TOKEN: 'xoxb-test' };
const PORTAL = 'https://d-1234567890.awsapps.com/start';

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig: console links through IAM Identity Center', () => {
  it('gives plain console links by default', () => {
    expect(consoleAccessOf(loadConfig(BASE))).toBeUndefined();
  });

  it('reads the access portal and the permission set', () => {
    const config = loadConfig({ ...BASE, CONSOLE_PORTAL_URL: PORTAL, CONSOLE_ROLE_NAME: 'ReadOnly' });
    expect(consoleAccessOf(config)).toEqual({ portalUrl: PORTAL, roleName: 'ReadOnly' });
  });

  it.each([
    ['not-a-url', 'CONSOLE_PORTAL_URL must be the https URL of the AWS access portal'],
    [
      'http://d-1234567890.awsapps.com/start',
      'CONSOLE_PORTAL_URL must be the https URL of the AWS access portal',
    ],
    [`${PORTAL}/#/console`, 'CONSOLE_PORTAL_URL must be the access portal URL without query or fragment'],
    [`${PORTAL}?x=1`, 'CONSOLE_PORTAL_URL must be the access portal URL without query or fragment'],
  ])('refuses the portal URL %s, naming the field', (url, message) => {
    expect(problemOf({ CONSOLE_PORTAL_URL: url, CONSOLE_ROLE_NAME: 'ReadOnly' })).toContain(message);
  });

  it('refuses a role name that is not a permission set name', () => {
    expect(problemOf({ CONSOLE_PORTAL_URL: PORTAL, CONSOLE_ROLE_NAME: 'Read Only&x=1' })).toContain(
      'CONSOLE_ROLE_NAME must be a permission set name such as ReadOnly',
    );
  });

  it('wants both settings or neither', () => {
    expect(problemOf({ CONSOLE_PORTAL_URL: PORTAL })).toContain(
      'CONSOLE_ROLE_NAME is required with CONSOLE_PORTAL_URL',
    );
    expect(problemOf({ CONSOLE_ROLE_NAME: 'ReadOnly' })).toContain(
      'CONSOLE_PORTAL_URL is required with CONSOLE_ROLE_NAME',
    );
  });
});

describe('createAlertRenderer', () => {
  const links = (config: ReturnType<typeof loadConfig>) =>
    mrkdwnTexts(createAlertRenderer(config, builtInCatalog).alert(burstOf(sshOpenToWorld(), 1)))
      .join('\n')
      .match(/<https:[^|>]*/g) ?? [];

  it('posts alerts whose console links go through the configured access portal', () => {
    const found = links(loadConfig({ ...BASE, CONSOLE_PORTAL_URL: PORTAL, CONSOLE_ROLE_NAME: 'ReadOnly' }));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((url) => url.startsWith(`<${PORTAL}/#/console?account_id=112233445566&amp;`))).toBe(
      true,
    );
  });

  it('posts plain console links without it', () => {
    const found = links(loadConfig(BASE));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((url) => url.startsWith('<https://us-east-1.console.aws.amazon.com/'))).toBe(true);
  });
});

describe('loadConfig: ACTOR_SLACK_USERS ("Was this you?")', () => {
  it('reads IAM user and session names mapped to Slack user ids; none by default', () => {
    expect(loadConfig(BASE).ACTOR_SLACK_USERS).toEqual({});
    expect(
      loadConfig({ ...BASE, ACTOR_SLACK_USERS: '{"alice":"U0ALICE","bob@example.com":"W0BOB"}' })
        .ACTOR_SLACK_USERS,
    ).toEqual({ alice: 'U0ALICE', 'bob@example.com': 'W0BOB' });
  });

  it.each([
    ['not json', /ACTOR_SLACK_USERS must be JSON/],
    ['{"alice":"alice"}', /ACTOR_SLACK_USERS\.alice must be a Slack id/],
    ['{"has space":"U0ALICE"}', /has space is not an IAM user name or role session name/],
    ['["U0ALICE"]', /ACTOR_SLACK_USERS/],
  ])('refuses %s with a message naming the field', (value, message) => {
    expect(problemOf({ ACTOR_SLACK_USERS: value })).toMatch(message);
  });
});
