import type { ActorCheckRepository } from './actor-checks';
import type { AlertRepository } from './alerts';
import type { BurstGroupRepository } from './bursts';
import type { ChangeRepository } from './changes';
import type { ConfigRepository } from './config';
import type { DeliveryRepository } from './deliveries';
import type { DigestRunRepository } from './digests';
import type { EscalationStepRepository } from './escalation-steps';
import type { RejectedInputRepository } from './rejected';
import type { RenderWindowRepository } from './render-windows';
import type { RenderRepository } from './renders';
import type { RequestClaimRepository } from './requests';
import type { ReviewRepository } from './review';

export type * from './actor-checks';
export type * from './alerts';
export type * from './bursts';
export type * from './changes';
export type * from './config';
export type * from './deliveries';
export type * from './digests';
export type * from './escalation-steps';
export type * from './rejected';
export type * from './render-windows';
export type * from './renders';
export type * from './requests';
export * from './review';

/*
 * The ports the use cases depend on, one per concept. Two adapters implement them: DynamoDB
 * (src/store/dynamodb/, one file per concept on the single table) and an in-memory fake (src/store/memory/)
 * for fast unit tests; one contract suite (test/store/store.contract.test.ts) runs against all of them.
 *
 * Every write that can race is conditional: EventBridge and SQS deliver at least once, possibly in parallel,
 * and acknowledgements arrive as simultaneous clicks. None of these methods reads before it writes to decide.
 */
export interface Store {
  changes: ChangeRepository;
  rejected: RejectedInputRepository;
  config: ConfigRepository;
  requests: RequestClaimRepository;
  deliveries: DeliveryRepository;
  bursts: BurstGroupRepository;
  alerts: AlertRepository;
  renders: RenderRepository;
  renderWindows: RenderWindowRepository;
  digests: DigestRunRepository;
  escalationSteps: EscalationStepRepository;
  actorChecks: ActorCheckRepository;
  /** Alerts by creation day, for stats and export (read-only). */
  review: ReviewRepository;
}
