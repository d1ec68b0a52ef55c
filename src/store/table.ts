import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one InfraWatch table. Exported as data so the CDK stack, the local stack and the tests create exactly
 * the same table (key schema, indexes, TTL attribute).
 *
 * Items (pk / sk):
 *   CHANGE#<eventId>         / CHANGE              one CloudTrail change, stored once (conditional put)
 *   CHANGE#<eventId>         / DELIVERY#<channel>  which alert carries the change in a channel, or why not
 *   ALERT#<alertId>          / ALERT               one Slack message: its changes, status, acknowledgement; in the
 *                              by-day index under ALERTS#<createdAt day> (export) and in the by-channel index
 *                              under its channel (stats)
 *   GROUP#<channel>#<key>    / GROUP               the open burst group for (channel, watch, actor)
 *   CONFIG                   / SUB#<channel>#<watch>   a subscription
 *   CONFIG                   / MUTE#<channel>#<type>#<value>[#in#<account>]   a mute, with its expiry (an actor
 *                              name mute: one item per account)
 *   REQUEST#<hash>           / REQUEST             a Slack command claimed once (replays, double submits), with TTL
 *   REJECTED#<day>           / <recordId>          an input that can never become a change, with the reason
 *   RENDERDUE                / <alertId>           an alert whose message fell behind on a path nobody retries
 *   ESCDUE                   / <dueAt>#<alertId>   an alert's next escalation step, by due time (the sweep's index)
 *   CONFIG                   / ESCALATE#<channel>  a channel's escalation setting (`/infrawatch escalate`)
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds. DynamoDB deletes expired items lazily (hours); readers always check expiry themselves. */
  ttlAttribute: 'expiresAt',
  indexes: {
    /**
     * Sparse: only alerts nobody has acknowledged carry `openPk`, so the digest's Query reads open alerts
     * only, whatever the size of the table. Acknowledging removes the attribute. Muted deliveries
     * (`MUTED#<channel>`) and rejected inputs (`REJECTED#<day>`, their reason in `headline`) share it under
     * their own partitions, so the digest counts them without reading anything else.
     */
    openByChannel: {
      name: 'open-by-channel',
      partitionKey: 'openPk',
      sortKey: 'openSk',
      // What the digest shows. Revision and render-lease attributes stay out: updating them then costs no
      // index write, and they change on every render.
      projection: [
        'id',
        'channel',
        'watch',
        'actorKey',
        'account',
        'createdAt',
        'sevCritical',
        'sevWarning',
        'changeCount',
        'headline',
        'message',
        'investigation',
      ],
    },
    /**
     * Every change by one actor, newest last: "other changes by the same actor in the last 24 h". Only the
     * change's short line is projected: a change item holds the whole event, and every index write costs.
     */
    byActor: {
      name: 'by-actor',
      partitionKey: 'actorPk',
      sortKey: 'actorSk',
      projection: ['line'] as string[],
    },
    /**
     * Every alert by the UTC day it was created (`ALERTS#<YYYY-MM-DD>` / `<createdAt>#<alertId>`): what
     * `/infrawatch stats` and `infrawatch export` read, a Query per day and page, never a Scan. Keys and the
     * channel only: both are written once, when the alert is created, so no later write of the alert (renders,
     * acknowledgements, escalation steps) costs an index write; readers fetch the alerts themselves by key.
     */
    byDay: {
      name: 'by-day',
      partitionKey: 'dayPk',
      sortKey: 'daySk',
      projection: ['channel'] as string[],
    },
    /**
     * Every alert of one channel by creation time (`channel` / `<createdAt>#<alertId>`, the alert's own
     * attributes: nothing new is written): what the stats (`/infrawatch stats`, the digest's 7-day line) read,
     * one Query of the channel's window, without fetching any alert. It projects what the stats count and
     * nothing that changes on every append or render besides the shown change count: an index entry is a few
     * hundred bytes, and a Query is charged for the bytes it reads, where fetching each alert costs at least
     * half a read unit per alert.
     */
    byChannel: {
      name: 'by-channel',
      partitionKey: 'channel',
      sortKey: 'daySk',
      projection: [
        'id',
        'watch',
        'createdAt',
        'sevCritical',
        'sevWarning',
        'changeCount',
        'acknowledgement',
        'escSent',
        'actAnswer',
      ] as string[],
    },
  },
} as const;

/** CreateTable input for the local stack and tests (on-demand billing, like the deployed table). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = TABLE;
  // An attribute keys several indexes (daySk: by-day and by-channel) but is defined once.
  const keyAttributes = [
    ...new Set([
      partitionKey,
      sortKey,
      ...Object.values(indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
    ]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.values(indexes).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
    })),
  };
}
