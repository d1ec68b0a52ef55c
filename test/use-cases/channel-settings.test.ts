import { createMemoryStore } from '../../src/store/memory';
import {
  channelSettings,
  MuteScopeRequiredError,
  muteChannel,
  muteFromAlert,
  NotAllowedError,
  type SettingsDeps,
  subscribeChannel,
  unmuteChannel,
  unsubscribeChannel,
} from '../../src/use-cases/channel-settings';
import { manualClock } from '../helpers/use-cases';

const WATCHES = ['ec2', 'iam', 'security-groups'];
const HOUR = 3600_000;

function settings(admins: string[] = []): SettingsDeps & { store: ReturnType<typeof createMemoryStore> } {
  return { store: createMemoryStore(), clock: manualClock(), watchIds: WATCHES, admins };
}

const watchesOf = async (deps: SettingsDeps, channel = 'C1') =>
  (await channelSettings(deps, channel)).subscriptions.map((s) => s.watch).sort();

const alert = { channel: 'C1', watch: 'iam', actorKey: 'terraform-ci', account: '111122223333' };

describe('channel settings (memory store)', () => {
  it('subscribes only what is new, and `all` replaces the explicit watches', async () => {
    const deps = settings();
    expect(await subscribeChannel(deps, { channel: 'C1', watches: ['iam', 'ec2'], userId: 'U1' })).toEqual({
      added: ['iam', 'ec2'],
      unchanged: [],
    });
    expect(await subscribeChannel(deps, { channel: 'C1', watches: ['iam'], userId: 'U1' })).toEqual({
      added: [],
      unchanged: ['iam'],
    });
    await subscribeChannel(deps, { channel: 'C1', watches: ['all'], userId: 'U1' });
    expect(await watchesOf(deps)).toEqual(['all']);
  });

  it('unsubscribing one watch from `all` keeps every other watch', async () => {
    const deps = settings();
    await subscribeChannel(deps, { channel: 'C1', watches: ['all'], userId: 'U1' });

    const result = await unsubscribeChannel(deps, { channel: 'C1', watches: ['iam', 'nope'], userId: 'U1' });

    expect(result).toEqual({ removed: ['iam'], notSubscribed: ['nope'] });
    expect(await watchesOf(deps)).toEqual(['ec2', 'security-groups']);
  });

  it('with admins set, only they subscribe, unsubscribe or mute; anyone may unmute', async () => {
    const deps = settings(['U0ADMIN']);
    await muteFromAlert(deps, { alert, target: 'watch', durationMs: HOUR, userId: 'U0ADMIN' });
    const attempts = [
      subscribeChannel(deps, { channel: 'C1', watches: ['iam'], userId: 'U0BOB' }),
      unsubscribeChannel(deps, { channel: 'C1', watches: ['iam'], userId: 'U0BOB' }),
      muteFromAlert(deps, { alert, target: 'actor', durationMs: HOUR, userId: 'U0BOB' }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(NotAllowedError);
    expect(
      await unmuteChannel(deps, { channel: 'C1', target: { type: 'watch', value: 'iam' } }),
    ).toHaveLength(1);
    expect((await channelSettings(deps, 'C1')).mutes).toEqual([]);
  });

  it("muteFromAlert mutes the alert's watch, or its actor in the alert's own account only", async () => {
    const deps = settings();
    const [watch] =
      (await muteFromAlert(deps, { alert, target: 'watch', durationMs: HOUR, userId: 'U1' })) ?? [];
    const [actor] =
      (await muteFromAlert(deps, { alert, target: 'actor', durationMs: HOUR, userId: 'U1' })) ?? [];

    expect(watch).toEqual({
      channel: 'C1',
      type: 'watch',
      value: 'iam',
      setBy: 'U1',
      setAt: '2026-11-27T10:00:00.000Z',
      expiresAt: '2026-11-27T11:00:00.000Z',
    });
    expect(actor).toMatchObject({ type: 'actor', value: 'terraform-ci', account: '111122223333' });
    expect(
      await muteFromAlert(deps, {
        alert: { ...alert, watch: null },
        target: 'watch',
        durationMs: HOUR,
        userId: 'U1',
      }),
    ).toBeUndefined();
  });

  it('lists only this channel, mutes soonest to expire first', async () => {
    const deps = settings();
    await muteFromAlert(deps, { alert, target: 'watch', durationMs: 2 * HOUR, userId: 'U1' });
    await muteFromAlert(deps, { alert, target: 'actor', durationMs: HOUR, userId: 'U1' });
    await muteFromAlert(deps, {
      alert: { ...alert, channel: 'C2' },
      target: 'watch',
      durationMs: HOUR,
      userId: 'U1',
    });

    expect((await channelSettings(deps, 'C1')).mutes.map((m) => m.type)).toEqual(['actor', 'watch']);
  });

  it('refuses an actor name without an account', async () => {
    const deps = settings();
    await expect(
      muteChannel(deps, {
        channel: 'C1',
        target: { type: 'actor', value: 'ci' },
        durationMs: HOUR,
        userId: 'U1',
      }),
    ).rejects.toBeInstanceOf(MuteScopeRequiredError);
  });
});
