import type { LogPort } from '../../app/events/process-events';
import { createDigestHandler } from '../../app/lambda/digest';
import { createEventsHandler } from '../../app/lambda/events';
import { createSlackHandler } from '../../app/lambda/slack';
import { lambdaContext, sqsEventOf } from '../../app/local/lambda-invocation';
import { loadSlackSecrets, SecretNotSetError } from '../../app/secrets';
import { type SecretsManagerStandin, startSecretsManagerStandin } from '../helpers/aws-standins';
import { corpusEvent } from '../helpers/events';
import { BOT_TOKEN } from '../helpers/pipeline';
import { functionUrlEvent, SIGNING_SECRET, sign, slashCommand, TEAM_ID } from '../helpers/slack-requests';

/** What the stack stores until the operator sets the secret (infra/stacks/infrawatch-stack.ts). */
const PLACEHOLDER = JSON.stringify({ botToken: 'SET-ME', signingSecret: 'SET-ME' });

const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;

function recordingLog() {
  const lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  const record =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      lines.push({ level, message, attributes: Object.assign({}, ...attributes) });
  const log: LogPort = { info: record('info'), warn: record('warn'), error: record('error') };
  return { log, lines };
}

describe('until the Slack secret is set', () => {
  let secrets: SecretsManagerStandin;
  const saved = { ...process.env };
  beforeAll(async () => {
    secrets = await startSecretsManagerStandin();
    // The SDK reads its region, credentials and endpoint override from the process environment.
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    });
  });
  afterAll(async () => {
    process.env = saved;
    await secrets.close();
  });

  /** The variables the stack gives each function (only the secret's ARN, never its value). */
  const lambdaEnv = (secretArn: string) => ({
    AWS_LAMBDA_FUNCTION_NAME: 'infrawatch-test',
    TABLE_NAME: 'infrawatch',
    SLACK_SECRET_ARN: secretArn,
    SLACK_TEAM_ID: TEAM_ID,
  });

  it('the Slack function answers 500 with a log line naming the secret and the fix, request after request', async () => {
    // Prepare
    const arn = ARN('slack-placeholder');
    secrets.put(arn, PLACEHOLDER);
    const { log, lines } = recordingLog();
    const handler = createSlackHandler(lambdaEnv(arn), { log });
    const body = slashCommand('help', { userId: 'U0ALICE', userName: 'alice' }, 'C0ALERTS');

    // Act
    const responses = [];
    for (let i = 0; i < 3; i++) {
      responses.push(await handler(functionUrlEvent({ body, headers: sign(body) }), lambdaContext()));
    }

    // Assess: a clear answer every time, no crash; the reason names fields, never values.
    expect(responses).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ statusCode: 500 })));
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0]?.message).toContain(`The Slack secret ${arn} is not set yet`);
    expect(errors[0]?.message).toContain('bad fields: botToken, signingSecret');
    expect(errors[0]?.message).toContain(`aws secretsmanager put-secret-value --secret-id ${arn}`);
    expect(JSON.stringify(lines)).not.toContain('SET-ME');
    // One read: while the secret is not set, a container asks again only every few seconds.
    expect(secrets.reads.filter((id) => id === arn)).toHaveLength(1);
  });

  it('the events and digest functions fail the invocation with that error (SQS and Lambda retry it)', async () => {
    // Prepare
    const arn = ARN('events-placeholder');
    secrets.put(arn, PLACEHOLDER);
    const { log, lines } = recordingLog();
    const events = createEventsHandler(lambdaEnv(arn), { log });
    const digest = createDigestHandler(lambdaEnv(arn), { log });

    // Act + Assess
    await expect(
      events(sqsEventOf([corpusEvent('iam.CreateUser.json')]), lambdaContext()),
    ).rejects.toBeInstanceOf(SecretNotSetError);
    await expect(digest({ kind: 'scheduled' }, lambdaContext())).rejects.toBeInstanceOf(SecretNotSetError);
    expect(lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      expect.stringContaining(`The Slack secret ${arn} is not set yet`),
      expect.stringContaining(`The Slack secret ${arn} is not set yet`),
    ]);
  });

  it('takes the value within seconds of put-secret-value, past the cache', async () => {
    // Prepare: a clock the test moves; the placeholder is read once and remembered as "not set".
    const arn = ARN('later-set');
    secrets.put(arn, PLACEHOLDER);
    let now = 1_000_000;
    const config = { ...lambdaEnv(arn) } as unknown as Parameters<typeof loadSlackSecrets>[0];
    await expect(loadSlackSecrets(config, () => now)).rejects.toBeInstanceOf(SecretNotSetError);

    // Act: the operator sets the secret; one second later, then six.
    secrets.put(arn, JSON.stringify({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }));
    now += 1_000;
    const soon = loadSlackSecrets(config, () => now);
    await expect(soon).rejects.toBeInstanceOf(SecretNotSetError);
    const readsBefore = secrets.reads.filter((id) => id === arn).length;
    now += 5_000;
    const later = await loadSlackSecrets(config, () => now);

    // Assess: no read in between, then a fresh read (not Powertools' 5-minute cache of the placeholder).
    expect(readsBefore).toBe(1);
    expect(later).toEqual({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
    expect(secrets.reads.filter((id) => id === arn)).toHaveLength(2);
  });
});
