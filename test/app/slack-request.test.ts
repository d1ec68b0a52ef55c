import { parse } from 'node:querystring';
import { parseSlackBody, withTextBody } from '../../app/slack/request';
import { createSlackRequestVerifier } from '../../app/slack/verify-request';
import {
  blockAction,
  functionUrlEvent,
  SIGNING_SECRET,
  sign,
  slashCommand,
  TEAM_ID,
} from '../helpers/slack-requests';

const ALICE = { userId: 'U0ALICE', userName: 'alice' };

/** A slash command whose text travels as raw UTF-8 bytes (not percent-encoded), as a form body may. */
function rawUtf8Command(text: string): string {
  const raw = slashCommand(text, ALICE, 'C0ALERTS').replace(
    /(^|&)text=[^&]*/,
    `$1text=${text.replace(/ /g, '+')}`,
  );
  expect(parse(raw).text).toBe(text);
  return raw;
}

describe('withTextBody (Function URL bodies)', () => {
  it('decodes a base64 body as UTF-8: "josé" and an emoji arrive as sent, and the signature still verifies', () => {
    // Prepare
    const body = rawUtf8Command('mute actor:josé account:prod for 1h 🔒');
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(body.length);
    const headers = sign(body);
    const event = functionUrlEvent({ body, headers }, { base64: true });
    const verify = createSlackRequestVerifier({ signingSecret: SIGNING_SECRET, teamId: TEAM_ID });

    // Act
    const decoded = withTextBody(event);

    // Assess
    expect(decoded.isBase64Encoded).toBe(false);
    expect(decoded.body).toBe(body);
    expect(verify(decoded.body ?? '', headers)).toBeUndefined();
    expect(parseSlackBody(decoded.body ?? '', headers)?.text).toBe('mute actor:josé account:prod for 1h 🔒');
  });

  it('leaves a body that is not base64-encoded alone', () => {
    const body = rawUtf8Command('mute actor:zoë account:prod');
    const event = functionUrlEvent({ body, headers: sign(body) });
    expect(withTextBody(event)).toBe(event);
  });
});

describe('the shape check after the signature (createSlackRequestVerifier)', () => {
  const verify = createSlackRequestVerifier({ signingSecret: SIGNING_SECRET, teamId: TEAM_ID });
  const click = new URLSearchParams(
    blockAction({ action_id: 'infrawatch_ack', value: 'a-1' }, ALICE, 'C0ALERTS'),
  ).get('payload');
  const payload = JSON.parse(click ?? '{}') as Record<string, unknown>;
  const form = (body: unknown) => new URLSearchParams({ payload: JSON.stringify(body) }).toString();
  const statusOf = (body: string) => verify(body, sign(body))?.status;

  it('lets a click and a command as Slack sends them through', () => {
    expect(statusOf(form(payload))).toBeUndefined();
    expect(statusOf(slashCommand('list', ALICE, 'C0ALERTS'))).toBeUndefined();
  });

  it.each([
    ['a user id that is a number', { ...payload, user: { id: 5 } }],
    ['no user', { ...payload, user: undefined }],
    ['a channel that is a string', { ...payload, channel: 'C0ALERTS' }],
    ['a null channel (Bolt reads channel.id)', { ...payload, channel: null }],
    ['actions that are not a list', { ...payload, actions: 'ack' }],
    [
      'a button value that is an object',
      { ...payload, actions: [{ action_id: 'infrawatch_ack', value: {} }] },
    ],
  ])('answers 400 to a signed click with %s', (_name, body) => {
    expect(verify(form(body), sign(form(body)))).toEqual({
      status: 400,
      reason: expect.stringMatching(/^signed body is not a Slack request \(/),
    });
  });

  it('answers 400 to a signed command with a repeated field, and 401 before looking when unsigned', () => {
    const repeated = `${slashCommand('list', ALICE, 'C0ALERTS')}&text=unmute+all`;
    expect(statusOf(repeated)).toBe(400);
    expect(verify(repeated, { 'content-type': 'application/x-www-form-urlencoded' })?.status).toBe(401);
  });
});
