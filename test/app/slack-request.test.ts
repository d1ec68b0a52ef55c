import { parse } from 'node:querystring';
import { parseSlackBody, withTextBody } from '../../app/slack/request';
import { createSlackRequestVerifier } from '../../app/slack/verify-request';
import { functionUrlEvent, SIGNING_SECRET, sign, slashCommand, TEAM_ID } from '../helpers/slack-requests';

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
