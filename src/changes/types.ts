/**
 * @deprecated The domain types live in `src/model/` (severity.ts, change.ts, alert.ts); import them from
 * there. This re-export only keeps branches written before the move compiling and goes away once none is left.
 */
export type { Acknowledgement, AlertContent, AlertStatus, ChangeLine, Investigation } from '../model/alert';
export type { Actor, ActorType, Change, Detail, Outcome, ResourceRef, Tool } from '../model/change';
export { SEVERITY_RANK, type Severity } from '../model/severity';
