import type { RoutingConfig } from '../../src/store/ports';
import { routeChange } from '../../src/use-cases/routing';
import { makeChange } from '../helpers/changes';

const NOW = '2026-11-27T10:00:00Z';
const LATER = '2026-11-27T12:00:00Z';
const sub = (channel: string, watch: string) => ({ channel, watch, setBy: 'U1', setAt: NOW });
const mute = (channel: string, type: 'watch' | 'actor' | 'account', value: string, account?: string) => ({
  channel,
  type,
  value,
  ...(account === undefined ? {} : { account }),
  setBy: 'U1',
  setAt: NOW,
  expiresAt: LATER,
});

describe('routeChange', () => {
  const change = makeChange({ watches: ['security-groups', 'custom-sg'] });

  it('sends a change once per channel however many of its watches the channel subscribes to', () => {
    const config: RoutingConfig = {
      subscriptions: [
        sub('C1', 'security-groups'),
        sub('C1', 'custom-sg'),
        sub('C2', 'all'),
        sub('C3', 'iam'),
      ],
      mutes: [],
      bootstrapped: true,
    };
    expect(routeChange(change, config)).toEqual([{ channel: 'C1' }, { channel: 'C2' }]);
  });

  it('sends nowhere a change that matches no watch', () => {
    const config: RoutingConfig = { subscriptions: [sub('C2', 'all')], mutes: [], bootstrapped: true };
    expect(routeChange(makeChange({ watch: null, watches: [] }), config)).toEqual([]);
  });

  it.each([
    ['watch', 'security-groups', undefined],
    ['actor', 'alice', '123456789012'],
    ['actor', 'alice', 'prod'],
    ['actor', 'ARN:AWS:IAM::123456789012:USER/ALICE', undefined],
    ['account', '123456789012', undefined],
    ['account', 'prod', undefined],
  ] as const)('applies a %s mute on %s (account %s) to its channel only', (type, value, account) => {
    const config: RoutingConfig = {
      subscriptions: [sub('C1', 'all'), sub('C2', 'all')],
      mutes: [mute('C1', type, value, account)],
      bootstrapped: true,
    };
    const routes = routeChange(change, config, { '123456789012': 'Prod' });
    expect(routes).toEqual([{ channel: 'C1', mute: mute('C1', type, value, account) }, { channel: 'C2' }]);
  });

  it('a name mute applies in its account only, and one stored without an account silences nothing', () => {
    const config: RoutingConfig = {
      subscriptions: [sub('C1', 'all')],
      mutes: [mute('C1', 'actor', 'alice', '999999999999'), mute('C1', 'actor', 'alice')],
      bootstrapped: true,
    };
    expect(routeChange(change, config)).toEqual([{ channel: 'C1' }]);
  });

  it('ignores mutes that do not match', () => {
    const config: RoutingConfig = {
      subscriptions: [sub('C1', 'all')],
      mutes: [mute('C1', 'watch', 'iam'), mute('C1', 'actor', 'bob'), mute('C1', 'account', '999999999999')],
      bootstrapped: true,
    };
    expect(routeChange(change, config)).toEqual([{ channel: 'C1' }]);
  });
});
