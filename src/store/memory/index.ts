import type { Store } from '../ports';
import type { RejectedInput } from '../ports/rejected';
import { memoryActorChecks } from './actor-checks';
import { type MemoryAlert, memoryAlerts } from './alerts';
import { memoryBursts } from './bursts';
import { memoryChanges } from './changes';
import { memoryConfig } from './config';
import { memoryDeliveries } from './deliveries';
import { memoryDigests } from './digests';
import { memoryEscalationSteps } from './escalation-steps';
import { memoryRejected } from './rejected';
import { memoryRenderWindows } from './render-windows';
import { memoryRenders } from './renders';
import { memoryRequests } from './requests';
import { memoryReview } from './review';

/**
 * An in-memory store with the same conditional semantics as the DynamoDB adapter, for fast unit tests of the
 * use cases. The contract suite (test/store/store.contract.test.ts) runs against it and both DynamoDB
 * engines. Every method is atomic, like a single DynamoDB request: no `await` between its check and its write.
 * `rejectedInputs` exposes the rejected inputs as stored, bodies included.
 */
export function createMemoryStore(): Store & { rejectedInputs: RejectedInput[] } {
  const rejectedInputs: RejectedInput[] = [];
  // Alerts and their render state are one item in DynamoDB; here, one map both repositories share.
  const alertItems = new Map<string, MemoryAlert>();
  const alerts = memoryAlerts(alertItems);
  return {
    changes: memoryChanges(),
    rejected: memoryRejected(rejectedInputs),
    config: memoryConfig(),
    requests: memoryRequests(),
    deliveries: memoryDeliveries(),
    bursts: memoryBursts(),
    alerts,
    renders: memoryRenders(alertItems),
    renderWindows: memoryRenderWindows(),
    digests: memoryDigests(),
    escalationSteps: memoryEscalationSteps(alertItems),
    actorChecks: memoryActorChecks(alertItems),
    review: memoryReview(alertItems, alerts),
    rejectedInputs,
  };
}
