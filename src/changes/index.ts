export { InvalidEventError, parseCloudTrailEvent } from '../events/cloudtrail';
export type { Action } from './action';
export { interpretAction } from './action';
export { describeActor } from './actor';
export { describeChange, EMPTY_CATALOG } from './describe';
export { describeDetails } from './details';
export { extractResources } from './resources';
export type { Assessment, Finding, SeverityInput } from './severity';
export { assessSeverity } from './severity';
export { summarize } from './summary';
export { detectTool } from './tool';
export type {
  Actor,
  ActorType,
  Change,
  Detail,
  Outcome,
  ResourceRef,
  Severity,
  Tool,
} from './types';
export { SEVERITY_RANK } from './types';
