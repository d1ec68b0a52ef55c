import { verifySlackRequest } from '@slack/bolt';
import { signSlackRequest } from '../../../../app/local/slack/signing';
import { createSlackRequestVerifier } from '../../../../app/slack/verify-request';

const SECRET = 'local-signing-secret';
const BODY = new URLSearchParams({
  payload: JSON.stringify({ type: 'block_actions', team: { id: 'T0LOCAL001' }, user: { id: 'U0LOCAL001' } }),
}).toString();
const NOW = 1_700_000_000_000;

describe('signSlackRequest (the one signing function of the page, the tests and the benchmarks)', () => {
  it("signs a body so that Bolt's check and the app's own gate accept it, and only with the right secret", () => {
    // Act
    const headers = signSlackRequest(SECRET, BODY, NOW / 1000);
    const bolt = (signingSecret: string) => () =>
      verifySlackRequest({
        signingSecret,
        body: BODY,
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
        nowMilliseconds: NOW,
      });
    const gate = (signingSecret: string) =>
      createSlackRequestVerifier({ signingSecret, teamId: 'T0LOCAL001', now: () => NOW })(BODY, {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      });

    // Assess
    expect(headers).toEqual({
      'x-slack-request-timestamp': '1700000000',
      'x-slack-signature': expect.stringMatching(/^v0=[0-9a-f]{64}$/),
    });
    expect(bolt(SECRET)).not.toThrow();
    expect(gate(SECRET)).toBeUndefined();
    expect(bolt('another-secret')).toThrow();
    expect(gate('another-secret')).toEqual({ status: 401, reason: 'signature mismatch' });
  });
});
