import * as z from 'zod';
import type { ActorAnswer, ActorCheckSetting, ActorCheckState } from '../../model/actor-check';
import type {
  Acknowledgement,
  BurstSummary,
  ChangeLine,
  Investigation,
  ListedLine,
  SpanEnd,
} from '../../model/alert';
import type { Actor, Change, ResourceRef } from '../../model/change';
import type {
  EscalationPolicy,
  EscalationSetting,
  EscalationStepRecord,
  EscalationTarget,
} from '../../model/escalation-policy';
import type { Mute } from '../../model/mute';
import type { Severity } from '../../model/severity';
import type { Subscription } from '../../model/subscription';
import { CorruptItemError } from '../errors';
import type { AlertRecord } from '../ports/alerts';
import type { BurstGroup } from '../ports/bursts';
import type { Delivery } from '../ports/deliveries';
import type { AlertEscalationState } from '../ports/escalation-steps';
import type { StatsAlert } from '../ports/review';
import type { Item } from './table-client';

/*
 * What each kind of item must look like when it is read back. The table is shared deployed data: an item a
 * bug or a hand edit left malformed fails here with its key and zod's reasons (CorruptItemError), instead of
 * travelling on as a wrongly typed value. The schemas are typed against the domain types, so a field added
 * to a type and not to its schema is a compile error. Objects strip attributes they do not name (keys,
 * index attributes, TTL).
 */

/**
 * Decodes one item (or a value stored inside one) with its schema.
 * @throws CorruptItemError naming the item's key (`key`, or the item's own pk/sk).
 */
export function decode<T>(schema: z.ZodType<T>, value: Item, what: string, key = keyOf(value)): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CorruptItemError(what, key, parsed.error);
}

const keyOf = (item: Item): string => `${String(item.pk)}/${String(item.sk)}`;

const severity: z.ZodType<Severity> = z.enum(['info', 'warning', 'critical']);
const resourceRef: z.ZodType<ResourceRef> = z.object({ type: z.string(), id: z.string() });

export const changeLine: z.ZodType<ChangeLine> = z.object({
  id: z.string(),
  eventName: z.string(),
  severity,
  summary: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(resourceRef),
  // Optional fields must be listed too: z.object strips what it does not name, silently.
  recovered: z.literal(true).optional(),
});

const actor: z.ZodType<Actor> = z.object({
  type: z.enum([
    'Root',
    'IAMUser',
    'AssumedRole',
    'FederatedUser',
    'IdentityCenterUser',
    'AWSService',
    'AWSAccount',
    'WebIdentityUser',
    'SAMLUser',
    'Unknown',
  ]),
  arn: z.string().nullable(),
  display: z.string(),
  viaConsole: z.boolean(),
  mfa: z.boolean().nullable(),
});

/** The change as JSON inside the gzipped `changeGz` attribute. */
export const change: z.ZodType<Change> = z.object({
  id: z.string(),
  watch: z.string().nullable(),
  watches: z.array(z.string()),
  eventName: z.string(),
  service: z.string(),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  actor,
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  tool: z.enum([
    'console',
    'cli',
    'terraform',
    'cloudformation',
    'cdk',
    'pulumi',
    'sdk',
    'aws-service',
    'unknown',
  ]),
  resources: z.array(resourceRef),
  outcome: z.object({
    ok: z.boolean(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
  }),
  severity,
  reasons: z.array(z.string()),
  summary: z.string(),
  details: z.array(z.object({ label: z.string(), value: z.string() })),
  readOnly: z.boolean(),
  dryRun: z.boolean(),
});

export const changeItem = z.object({
  changeGz: z.instanceof(Uint8Array),
  rawGz: z.instanceof(Uint8Array),
  rawTruncated: z.boolean().optional(),
  receivedAt: z.string(),
});

/** An entry of the by-actor index: only the change's line is projected. */
export const actorEntry = z.object({ line: changeLine });

/** An entry of a rejected-input day in the open-by-channel index: the reason is projected as `headline`. */
export const rejectedEntry = z.object({ id: z.string(), headline: z.string(), openSk: z.string() });

export const subscriptionItem: z.ZodType<Subscription> = z.object({
  channel: z.string(),
  watch: z.string(),
  setBy: z.string(),
  setAt: z.string(),
});

/** A mute item keeps its expiry as ISO text (`expiresAtIso`); `expiresAt` is the TTL attribute (epoch s). */
export const muteItem: z.ZodType<Mute> = z
  .object({
    channel: z.string(),
    type: z.enum(['watch', 'actor', 'account']),
    value: z.string(),
    // Items written before name mutes were scoped have no account (isUnscopedNameMute).
    account: z.string().optional(),
    setBy: z.string(),
    setAt: z.string(),
    expiresAtIso: z.string(),
  })
  .transform(({ expiresAtIso, account, ...mute }) => ({
    ...mute,
    ...(account === undefined ? {} : { account }),
    expiresAt: expiresAtIso,
  }));

export const deliveryItem: z.ZodType<Delivery> = z.discriminatedUnion('kind', [
  z.object({
    eventId: z.string(),
    channel: z.string(),
    kind: z.literal('alert'),
    alertId: z.string(),
    at: z.string(),
  }),
  z.object({
    eventId: z.string(),
    channel: z.string(),
    kind: z.literal('muted'),
    mute: z.string(),
    at: z.string(),
    time: z.string(),
  }),
]);

export const deliveredEntry = z.object({ eventId: z.string() });

export const groupItem: z.ZodType<BurstGroup> = z.object({
  channel: z.string(),
  key: z.string(),
  alertId: z.string(),
  firstAt: z.string(),
  lastAt: z.string(),
  count: z.number(),
  version: z.number(),
});

const acknowledgement: z.ZodType<Acknowledgement> = z.object({
  userId: z.string(),
  userName: z.string(),
  at: z.string(),
  note: z.string().optional(),
});

const investigation: z.ZodType<Investigation> = z.object({
  userId: z.string(),
  userName: z.string(),
  at: z.string(),
});

const escalationTarget: z.ZodType<EscalationTarget> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string() }),
  z.object({ kind: z.literal('usergroup'), id: z.string() }),
  z.object({ kind: z.literal('channel'), id: z.string() }),
  z.object({ kind: z.literal('here') }),
]);

const escalationPolicy: z.ZodType<EscalationPolicy> = z.object({
  severity,
  afterMs: z.number(),
  targets: z.union([z.tuple([escalationTarget]), z.tuple([escalationTarget, escalationTarget])]),
});

/** CONFIG / ESCALATE#<channel>: a channel's policy, or `null` for `/infrawatch escalate off`. */
export const escalationSettingItem: z.ZodType<EscalationSetting> = z.object({
  channel: z.string(),
  policy: escalationPolicy.nullish().transform((policy) => policy ?? null),
  setBy: z.string(),
  setAt: z.string(),
});

/** CONFIG / ACTORS#<channel>: a channel's "Was this you?" settings (each field set by its own command). */
export const actorCheckSettingItem: z.ZodType<ActorCheckSetting> = z
  .object({
    channel: z.string(),
    ask: z.boolean().optional(),
    confirms: z.enum(['show', 'acknowledge']).optional(),
    setBy: z.string(),
    setAt: z.string(),
  })
  .transform(({ ask, confirms, ...setting }) => ({
    ...setting,
    ...(ask === undefined ? {} : { ask }),
    ...(confirms === undefined ? {} : { confirms }),
  }));

const escalationStep: z.ZodType<EscalationStepRecord> = z.object({
  step: z.number(),
  target: escalationTarget,
  afterMs: z.number(),
  at: z.string(),
});

/** The escalation attributes of an alert item (escNext, escDueAt, escAttemptAt, escSent), once scheduled. */
const escalationAttributes = {
  escNext: z.number().optional(),
  escDueAt: z.string().optional(),
  escAttemptAt: z.string().optional(),
  escSent: z.array(escalationStep).optional(),
};

function escalationStateOf(attributes: {
  escNext?: number | undefined;
  escDueAt?: string | undefined;
  escAttemptAt?: string | undefined;
  escSent?: EscalationStepRecord[] | undefined;
}): AlertEscalationState | undefined {
  const { escNext, escDueAt, escAttemptAt, escSent } = attributes;
  if (escNext === undefined || escDueAt === undefined) return undefined;
  return {
    nextStep: escNext,
    dueAt: escDueAt,
    ...(escAttemptAt === undefined ? {} : { attemptAt: escAttemptAt }),
    sent: escSent ?? [],
  };
}

/** The actor's answer to "Was this you?" (`actAnswer` on an alert item). */
export const actorAnswer: z.ZodType<ActorAnswer> = z.object({
  answer: z.enum(['yes', 'no']),
  userId: z.string(),
  userName: z.string(),
  at: z.string(),
});

/** The "Was this you?" attributes of an alert item (see dynamodb/actor-checks.ts), once its actor was asked. */
const actorCheckAttributes = {
  actUser: z.string().optional(),
  actAskedAt: z.string().optional(),
  actDm: z.object({ channel: z.string(), ts: z.string() }).optional(),
  actAnswer: actorAnswer.optional(),
  actNoticeAt: z.string().optional(),
  actNoticedAt: z.string().optional(),
};

function actorCheckOf(
  attributes: {
    [name in keyof typeof actorCheckAttributes]?: z.infer<(typeof actorCheckAttributes)[name]> | undefined;
  },
): ActorCheckState | undefined {
  const { actUser, actAskedAt, actDm, actAnswer, actNoticeAt, actNoticedAt } = attributes;
  if (actUser === undefined || actAskedAt === undefined) return undefined;
  return {
    userId: actUser,
    askedAt: actAskedAt,
    ...(actDm ? { dm: actDm } : {}),
    ...(actAnswer ? { answer: actAnswer } : {}),
    ...(actNoticeAt ? { noticeAttemptAt: actNoticeAt } : {}),
    ...(actNoticedAt ? { noticedAt: actNoticedAt } : {}),
  };
}

const linePlace = { id: z.string(), severity, time: z.string() };
const listedLine: z.ZodType<ListedLine> = z.object({
  ...linePlace,
  eventName: z.string(),
  summary: z.string(),
});
const spanEnd: z.ZodType<SpanEnd> = z.object({ ...linePlace, ms: z.number() });

/** The burst summary a render stores on its alert (views/burst-summary.ts). */
const burstSummary: z.ZodType<BurstSummary> = z.object({
  count: z.number(),
  bySeverity: z.object({ critical: z.number(), warning: z.number(), info: z.number() }),
  events: z.array(z.object({ name: z.string(), count: z.number() })),
  lead: z.object(linePlace).optional(),
  first: spanEnd.optional(),
  last: spanEnd.optional(),
  regions: z.array(z.string()),
  recovered: z.number(),
  critical: z.array(listedLine),
  warnings: z.array(listedLine),
  resources: z.array(
    z.object({
      place: z.object(linePlace),
      index: z.number(),
      region: z.string(),
      type: z.string(),
      id: z.string(),
    }),
  ),
  resourceKeys: z.array(z.string()),
  resourcesOverflow: z.literal(true).optional(),
});

/**
 * An alert item, or its open-index entry (which projects what the digest shows: no revisions). Severity is
 * stored as two flags set by appends (`sevCritical`, `sevWarning`), so concurrent appends only ever raise it.
 */
export const alertItem: z.ZodType<AlertRecord> = z
  .object({
    id: z.string(),
    channel: z.string(),
    watch: z
      .string()
      .nullish()
      .transform((watch) => watch ?? null),
    actorKey: z.string(),
    account: z.string(),
    createdAt: z.string(),
    rev: z.number().default(0),
    renderedRev: z.number().default(0),
    sevCritical: z.boolean().optional(),
    sevWarning: z.boolean().optional(),
    changeCount: z.number().default(0),
    headline: z.string().default(''),
    message: z.object({ channel: z.string(), ts: z.string() }).optional(),
    notifiedSeverity: severity.optional(),
    postAttemptAt: z.string().optional(),
    escalationAttempt: z.object({ severity, at: z.string() }).optional(),
    messageRemovedAt: z.string().optional(),
    acknowledgement: acknowledgement.optional(),
    investigation: investigation.optional(),
    ...escalationAttributes,
    ...actorCheckAttributes,
    lineIds: z.set(z.string()).optional(),
    burstSummary: burstSummary.optional(),
    pendingLines: z.array(changeLine).optional(),
  })
  .transform((item) => {
    const {
      sevCritical,
      sevWarning,
      escNext,
      escDueAt,
      escAttemptAt,
      escSent,
      lineIds,
      burstSummary,
      ...kept
    } = item;
    const rest = {
      ...kept,
      ...(lineIds ? { lineCount: lineIds.size } : {}),
      ...(burstSummary ? { summary: burstSummary } : {}),
    };
    const { actUser, actAskedAt, actDm, actAnswer, actNoticeAt, actNoticedAt, ...alert } = rest;
    const escalation = escalationStateOf({ escNext, escDueAt, escAttemptAt, escSent });
    const actorCheck = actorCheckOf({ actUser, actAskedAt, actDm, actAnswer, actNoticeAt, actNoticedAt });
    return {
      ...alert,
      severity: sevCritical ? 'critical' : sevWarning ? 'warning' : ('info' as Severity),
      ...(escalation ? { escalation } : {}),
      ...(actorCheck ? { actorCheck } : {}),
    };
  });

/** An alert's entry in the by-channel index (src/store/table.ts): what the stats count, nothing else. */
export const statsAlertEntry: z.ZodType<StatsAlert> = z
  .object({
    id: z.string(),
    watch: z
      .string()
      .nullish()
      .transform((watch) => watch ?? null),
    createdAt: z.string(),
    sevCritical: z.boolean().optional(),
    sevWarning: z.boolean().optional(),
    changeCount: z.number().default(0),
    acknowledgement: acknowledgement.optional(),
    escSent: z.array(escalationStep).optional(),
    actAnswer: actorAnswer.optional(),
  })
  .transform(({ sevCritical, sevWarning, changeCount, escSent, actAnswer, acknowledgement, ...entry }) => ({
    ...entry,
    severity: sevCritical ? 'critical' : sevWarning ? 'warning' : ('info' as Severity),
    lineCount: changeCount,
    ...(acknowledgement ? { acknowledgement } : {}),
    ...(escSent ? { escalation: { sent: escSent } } : {}),
    ...(actAnswer ? { actorCheck: { answer: actAnswer } } : {}),
  }));

/** What an append needs of an alert: which lines it holds, its revision, whether it is acknowledged. */
export const alertMembership = z
  .object({
    lineIds: z.set(z.string()).default(() => new Set<string>()),
    rev: z.number().default(0),
    acknowledgement: acknowledgement.optional(),
    pendingLines: z.array(z.unknown()).optional(),
  })
  .transform(({ pendingLines, ...membership }) => ({ ...membership, pending: pendingLines?.length ?? 0 }));

export const alertLineItem = z.object({ line: changeLine });

export const revision = z.object({ rev: z.number() });

export const renderDueItem = z.object({
  alertId: z.string(),
  rev: z.number(),
  notBefore: z.string().optional(),
});

export const renderWindowItem = z.object({
  until: z.string(),
  finisherFor: z.string().optional(),
  streak: z.number().default(0),
});

export const digestClaimItem = z.object({ postAttemptAt: z.string().optional() });

export const postedDigestItem = z
  .object({ sk: z.string(), messageTs: z.string(), digestSince: z.string(), digestUntil: z.string() })
  .transform(({ sk, messageTs, digestSince, digestUntil }) => ({
    runKey: sk,
    ts: messageTs,
    since: digestSince,
    until: digestUntil,
  }));
