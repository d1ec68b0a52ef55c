import type { Store } from '../../src/store/ports';
import type { EventPublisher, InteractionDeps } from '../../src/use-cases/acknowledge';
import type { ActorQuestionMessenger } from '../../src/use-cases/actor-check';
import type { SettingsDeps } from '../../src/use-cases/channel-settings';
import type { AlertMessenger, AlertRenderer, Clock } from '../../src/use-cases/ports';
import type { AccountAlias, ConsoleAccess } from '../../src/views';
import type { WatchCatalog } from '../../src/watches/types';
import type { LogPort } from '../events/process-events';

export { DIGEST_REQUESTED_DETAIL_TYPE } from '../../src/events/infrawatch-events';

/** What the Bolt listeners need; built once per container by the composition roots. */
export interface SlackAppDeps {
  store: Store;
  clock: Clock;
  messenger: AlertMessenger;
  render: AlertRenderer;
  /** "Was this you?": the channel reply of a "No". */
  questions: ActorQuestionMessenger;
  events: EventPublisher;
  catalog: WatchCatalog;
  admins: readonly string[];
  accountAliases: AccountAlias;
  /** Console links through the IAM Identity Center access portal; unset: plain console links. */
  consoleAccess?: ConsoleAccess;
  log: LogPort;
  /** A fresh render-lease owner id per request. */
  newOwner(): string;
}

export function interactionDeps(deps: SlackAppDeps): InteractionDeps {
  return {
    store: deps.store,
    messenger: deps.messenger,
    render: deps.render,
    clock: deps.clock,
    owner: deps.newOwner(),
    events: deps.events,
  };
}

export function settingsDeps(deps: SlackAppDeps): SettingsDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    watchIds: deps.catalog.watches.map((w) => w.id),
    admins: deps.admins,
  };
}

export function watchTitle(deps: Pick<SlackAppDeps, 'catalog'>, watch: string | null): string {
  return deps.catalog.watches.find((w) => w.id === watch)?.title ?? watch ?? 'Other';
}
