/**
 * InfraWatch's public library API: EventBridge semantics (patterns, input transformers), the watch catalog,
 * CloudTrail changes described the way an engineer would, and the pure Slack renderers.
 */
export { actorKeyOf } from './changes/actor-key';
export { describeChange } from './changes/describe';
export {
  COMMAND_USAGE,
  type Command,
  type CommandUsage,
  type MuteTarget,
  parseCommand,
  SLASH_COMMAND,
} from './commands/parse';
export { InvalidEventError } from './events/errors';
export {
  applyInputTransformer,
  InvalidInputTransformerError,
  UndeliverablePayloadError,
  unquoteStringPayload,
  validateInputTransformer,
} from './events/input-transformer';
export {
  type CompiledPattern,
  compilePattern,
  InvalidPatternError,
  matchesPattern,
  type PatternValidation,
  validatePattern,
} from './events/pattern';
export type { Acknowledgement, AlertContent, ChangeLine, Investigation } from './model/alert';
export type { Actor, ActorType, Change, Detail, Outcome, ResourceRef, Tool } from './model/change';
export type { Severity } from './model/severity';
export { type RenderAlertOptions, renderAlert } from './views/alert';
export { renderAlertContent, renderGroupedAlert } from './views/grouped-alert';
export { escapeMrkdwn } from './views/mrkdwn';
export {
  builtInCatalog,
  builtInWatches,
  createCatalog,
  type InputTransformer,
  InvalidWatchError,
  parseCustomWatch,
  type Watch,
  type WatchCatalog,
  watchesFor,
} from './watches';
export { loadCatalog } from './watches/loader';
