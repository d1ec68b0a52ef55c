import type { CloudTrailDetail } from '../events/cloudtrail';
import type { Action, ActionKind, ActionOf } from './action';
import type { ActionHandler, ActionReader, ServiceModule } from './service';
import { cloudTrail } from './services/cloudtrail';
import { ec2 } from './services/ec2';
import { GENERIC_ACTION, generic } from './services/generic';
import { iam } from './services/iam';
import { organizations } from './services/organizations';
import { routeTables } from './services/route-tables';
import { s3 } from './services/s3';
import { securityGroups } from './services/security-groups';
import { signIn } from './services/signin';
import { sts } from './services/sts';
import { vpc } from './services/vpc';

/** Every service module, in the order their readers are registered. */
export const SERVICES: ReadonlyArray<Pick<ServiceModule<ActionKind>, 'source' | 'readers'>> = [
  securityGroups,
  ec2,
  vpc,
  routeTables,
  s3,
  iam,
  cloudTrail,
  signIn,
  sts,
  organizations,
];

/** A handler for every kind of action: the type refuses a registry that leaves a kind out. */
export type ActionHandlers = { readonly [K in ActionKind]: ActionHandler<ActionOf<K>> };

const HANDLERS: ActionHandlers = {
  ...securityGroups.actions,
  ...ec2.actions,
  ...vpc.actions,
  ...routeTables.actions,
  ...s3.actions,
  ...iam.actions,
  ...cloudTrail.actions,
  ...signIn.actions,
  ...sts.actions,
  ...organizations.actions,
  generic,
};

/** The handler of an action's kind. */
export function handlerOf<A extends Action>(action: A): ActionHandler<A> {
  // TypeScript cannot relate `HANDLERS[action.kind]` to `A` (a correlated union); ActionHandlers is keyed by
  // kind, so this is the handler of exactly A's kind.
  return HANDLERS[action.kind] as unknown as ActionHandler<A>;
}

/** Every kind of action the registry handles. */
export const ACTION_KINDS = Object.keys(HANDLERS) as readonly ActionKind[];

type Readers = ReadonlyMap<string, ReadonlyMap<string, ActionReader<Action>>>;

/**
 * source -> eventName -> reader. Two modules reading the same call would make one of them dead code that
 * nothing notices, so it is refused.
 * @throws Error naming the call when two modules read it.
 */
export function indexReaders(services: typeof SERVICES): Readers {
  const readers = new Map<string, Map<string, ActionReader<Action>>>();
  for (const service of services) {
    const bySource = readers.get(service.source) ?? new Map<string, ActionReader<Action>>();
    readers.set(service.source, bySource);
    for (const [eventName, reader] of Object.entries(service.readers)) {
      if (bySource.has(eventName)) throw new Error(`${service.source}:${eventName} has two readers`);
      bySource.set(eventName, reader);
    }
  }
  return readers;
}

const READERS = indexReaders(SERVICES);

/**
 * Reads what the call did. Never throws: unexpected shapes give emptier actions, never errors.
 * @param service the EventBridge source without `aws.` (`ec2`, `iam`).
 */
export function interpretAction(detail: CloudTrailDetail, service: string): Action {
  const read = READERS.get(service)?.get(detail.eventName);
  return read === undefined ? GENERIC_ACTION : read(detail);
}
