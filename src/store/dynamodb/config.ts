import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActorCheckSetting } from '../../model/actor-check';
import type { EscalationSetting } from '../../model/escalation-policy';
import type { Mute } from '../../model/mute';
import type { Subscription } from '../../model/subscription';
import { keys } from '../keys';
import type { ConfigRepository, RoutingConfig } from '../ports/config';
import { actorCheckSettingItem, decode, escalationSettingItem, muteItem, subscriptionItem } from './codec';
import { epochSeconds, type Item, type TableClient } from './table-client';

/** CONFIG / SUB#…, MUTE#…, BOOTSTRAP: one small partition, read whole by every batch of changes. */
export function dynamoDbConfig(table: TableClient): ConfigRepository {
  const { TableName } = table;
  const config: ConfigRepository = {
    async load(nowIso): Promise<RoutingConfig> {
      const items = await table.queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.configPk },
        ConsistentRead: true,
      });
      const now = Date.parse(nowIso);
      const subscriptions: Subscription[] = [];
      const mutes: Mute[] = [];
      let bootstrapped = false;
      const escalations: EscalationSetting[] = [];
      const actorChecks: ActorCheckSetting[] = [];
      for (const item of items) {
        const sk = String(item.sk);
        if (sk.startsWith('SUB#')) subscriptions.push(decode(subscriptionItem, item, 'subscription'));
        else if (sk.startsWith('MUTE#')) {
          // TTL deletes expired mutes hours late (and dynalite never): expiry is always checked here.
          const mute = decode(muteItem, item, 'mute');
          if (Date.parse(mute.expiresAt) > now) mutes.push(mute);
        } else if (sk.startsWith('ESCALATE#'))
          escalations.push(decode(escalationSettingItem, item, 'escalation setting'));
        else if (sk.startsWith('ACTORS#'))
          actorChecks.push(decode(actorCheckSettingItem, item, 'actor check setting'));
        else if (sk === 'BOOTSTRAP') bootstrapped = true;
      }
      return { subscriptions, mutes, bootstrapped, escalations, actorChecks };
    },
    async bootstrap(channel, atIso) {
      // Subscription first, marker last: a worker that finds the marker can rely on the subscription, and of
      // two concurrent first uses both write the same subscription (idempotent) while one wins the marker.
      await config.subscribe(channel, ['all'], 'infrawatch', atIso);
      return table.putNew({ ...keys.bootstrap(), channel, at: atIso });
    },
    async subscribe(channel, watches, setBy, atIso) {
      for (const watch of watches) {
        await table.send(
          'write',
          new PutCommand({
            TableName,
            Item: { ...keys.subscription(channel, watch), channel, watch, setBy, setAt: atIso },
          }),
        );
      }
    },
    async unsubscribe(channel, watches) {
      for (const watch of watches) {
        await table.send('write', new DeleteCommand({ TableName, Key: keys.subscription(channel, watch) }));
      }
    },
    async putMute(mute) {
      await table.send(
        'write',
        new PutCommand({
          TableName,
          Item: {
            ...keys.mute(mute.channel, mute.type, mute.value, mute.account),
            ...mute,
            expiresAtIso: mute.expiresAt,
            expiresAt: epochSeconds(mute.expiresAt),
          },
        }),
      );
    },
    async putEscalation(setting) {
      await table.send(
        'write',
        new PutCommand({ TableName, Item: { ...keys.escalationSetting(setting.channel), ...setting } }),
      );
    },
    async putActorCheck(channel, change, setBy, atIso) {
      const field = 'ask' in change ? 'ask' : 'confirms';
      const output = await table.send<{ Attributes?: Item }>(
        'write',
        new UpdateCommand({
          TableName,
          Key: keys.actorCheckSetting(channel),
          UpdateExpression: 'SET channel = :channel, #field = :value, setBy = :by, setAt = :at',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: {
            ':channel': channel,
            ':value': 'ask' in change ? change.ask : change.confirms,
            ':by': setBy,
            ':at': atIso,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return decode(actorCheckSettingItem, output.Attributes ?? {}, 'actor check setting');
    },
    async deleteMute(channel, type, value, account) {
      const output = await table.send<{ Attributes?: Item }>(
        'write',
        new DeleteCommand({
          TableName,
          Key: keys.mute(channel, type, value, account),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return output.Attributes ? decode(muteItem, output.Attributes, 'mute') : undefined;
    },
  };
  return config;
}
