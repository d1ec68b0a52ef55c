import type { Mute } from '../../src/model/mute';
import { keys } from '../../src/store/keys';
import type { Store } from '../../src/store/ports';
import {
  channelSettings,
  MuteScopeRequiredError,
  muteChannel,
  type SettingsDeps,
  unmuteChannel,
} from '../../src/use-cases/channel-settings';
import { routeChange } from '../../src/use-cases/routing';
import { makeChange } from '../helpers/changes';
import { STORE_KINDS, useStores } from '../helpers/stores';

const NOW = new Date('2026-11-27T10:00:00.000Z');
const HOUR = 3600_000;
const PROD = '111111111111';
const OTHER = '222222222222';
const CHANNEL = 'C0ALERTS';

/** A critical change by an IAM user named terraform-ci in `account`. */
function byTerraformCi(account: string) {
  return makeChange({
    account,
    severity: 'critical',
    actor: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${account}:user/terraform-ci`,
      display: 'terraform-ci',
      viaConsole: false,
      mfa: null,
    },
  });
}

describe.each(STORE_KINDS)('mutes by name are scoped to accounts (%s)', (kind) => {
  const stores = useStores(kind);
  let store: Store;
  let deps: SettingsDeps;
  beforeEach(async () => {
    store = await stores.fresh();
    await store.config.subscribe(CHANNEL, ['all'], 'U0ADMIN', NOW.toISOString());
    deps = {
      store,
      clock: { now: () => NOW, sleep: async () => {} },
      watchIds: ['security-groups'],
      admins: [],
    };
  });

  async function mutedIn(account: string, aliases: Record<string, string> = {}): Promise<boolean> {
    const config = await store.config.load(NOW.toISOString());
    const [route] = routeChange(byTerraformCi(account), config, aliases);
    return route?.mute !== undefined;
  }

  it('mute actor:terraform-ci in one account does not silence the same name in another', async () => {
    // Act
    const mutes = await muteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'terraform-ci', accounts: [PROD] },
      durationMs: 2 * HOUR,
      userId: 'U0ALICE',
    });

    // Assess
    expect(mutes).toEqual([expect.objectContaining({ type: 'actor', value: 'terraform-ci', account: PROD })]);
    expect(await mutedIn(PROD)).toBe(true);
    expect(await mutedIn(OTHER)).toBe(false);
  });

  it('an account given by alias matches that account only', async () => {
    await muteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'Terraform-CI', accounts: ['prod'] },
      durationMs: HOUR,
      userId: 'U0ALICE',
    });

    expect(await mutedIn(PROD, { [PROD]: 'Prod' })).toBe(true);
    expect(await mutedIn(OTHER, { [PROD]: 'Prod' })).toBe(false);
  });

  it('muting the name in a second account keeps the first; unmute with an account lifts only that one', async () => {
    const mute = (accounts: string[]) =>
      muteChannel(deps, {
        channel: CHANNEL,
        target: { type: 'actor', value: 'terraform-ci', accounts },
        durationMs: HOUR,
        userId: 'U0ALICE',
      });
    await mute([PROD]);
    await mute([OTHER]);
    expect([await mutedIn(PROD), await mutedIn(OTHER)]).toEqual([true, true]);

    const lifted = await unmuteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'terraform-ci', accounts: [OTHER] },
    });

    expect(lifted.map((m) => m.account)).toEqual([OTHER]);
    expect([await mutedIn(PROD), await mutedIn(OTHER)]).toEqual([true, false]);
  });

  it('unmute by name alone lifts it in every account', async () => {
    await muteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'terraform-ci', accounts: [PROD, OTHER] },
      durationMs: HOUR,
      userId: 'U0ALICE',
    });

    const lifted = await unmuteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'terraform-ci' },
    });

    expect(lifted.map((m) => m.account).sort()).toEqual([PROD, OTHER]);
    expect((await channelSettings(deps, CHANNEL)).mutes).toEqual([]);
  });

  it('refuses a name without an account: the use case never stores a mute that spans accounts', async () => {
    await expect(
      muteChannel(deps, {
        channel: CHANNEL,
        target: { type: 'actor', value: 'terraform-ci' },
        durationMs: HOUR,
        userId: 'U0ALICE',
      }),
    ).rejects.toBeInstanceOf(MuteScopeRequiredError);
    expect((await channelSettings(deps, CHANNEL)).mutes).toEqual([]);
  });

  it('an ARN names its account already', async () => {
    await muteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: `arn:aws:iam::${PROD}:user/terraform-ci` },
      durationMs: HOUR,
      userId: 'U0ALICE',
    });

    expect([await mutedIn(PROD), await mutedIn(OTHER)]).toEqual([true, false]);
  });

  it('a name mute stored before scoping (no account) is listed but silences nothing, and unmute removes it', async () => {
    // Prepare: the item the earlier code wrote, at the key it used.
    expect(keys.mute(CHANNEL, 'actor', 'terraform-ci')).toEqual({
      pk: 'CONFIG',
      sk: `MUTE#${CHANNEL}#actor#terraform-ci`,
    });
    const legacy: Mute = {
      channel: CHANNEL,
      type: 'actor',
      value: 'terraform-ci',
      setBy: 'U0ALICE',
      setAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + HOUR).toISOString(),
    };
    await store.config.putMute(legacy);

    // Assess
    expect((await channelSettings(deps, CHANNEL)).mutes).toEqual([legacy]);
    expect([await mutedIn(PROD), await mutedIn(OTHER)]).toEqual([false, false]);
    const lifted = await unmuteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'actor', value: 'terraform-ci' },
    });
    expect(lifted).toEqual([legacy]);
    expect((await channelSettings(deps, CHANNEL)).mutes).toEqual([]);
  });

  it('watch and account mutes are unchanged', async () => {
    await muteChannel(deps, {
      channel: CHANNEL,
      target: { type: 'account', value: OTHER },
      durationMs: HOUR,
      userId: 'U0ALICE',
    });

    expect([await mutedIn(PROD), await mutedIn(OTHER)]).toEqual([false, true]);
    expect(
      (await unmuteChannel(deps, { channel: CHANNEL, target: { type: 'account', value: OTHER } })).length,
    ).toBe(1);
  });
});
