import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Store } from '../ports';
import { dynamoDbActorChecks } from './actor-checks';
import { dynamoDbAlerts } from './alerts';
import { dynamoDbBursts } from './bursts';
import type { CapacityMeter } from './capacity';
import { dynamoDbChanges } from './changes';
import { dynamoDbConfig } from './config';
import { dynamoDbDeliveries } from './deliveries';
import { dynamoDbDigests } from './digests';
import { dynamoDbEscalationSteps } from './escalation-steps';
import { dynamoDbRejected } from './rejected';
import { dynamoDbRenderWindows } from './render-windows';
import { dynamoDbRenders } from './renders';
import { dynamoDbRequests } from './requests';
import { dynamoDbReview } from './review';
import { tableClient } from './table-client';

export { CapacityMeter } from './capacity';

export interface DynamoDbStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  meter?: CapacityMeter;
}

/** The DynamoDB adapter of every store port, one file per concept, on the single table described in table.ts. */
export function createDynamoDbStore(options: DynamoDbStoreOptions): Store {
  const table = tableClient(options.client, options.tableName, options.meter);
  return {
    changes: dynamoDbChanges(table),
    rejected: dynamoDbRejected(table),
    config: dynamoDbConfig(table),
    requests: dynamoDbRequests(table),
    deliveries: dynamoDbDeliveries(table),
    bursts: dynamoDbBursts(table),
    alerts: dynamoDbAlerts(table),
    renders: dynamoDbRenders(table),
    renderWindows: dynamoDbRenderWindows(table),
    digests: dynamoDbDigests(table),
    escalationSteps: dynamoDbEscalationSteps(table),
    actorChecks: dynamoDbActorChecks(table),
    review: dynamoDbReview(table),
  };
}
