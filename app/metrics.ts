import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, METRICS, type MetricName } from '../src/metrics';
import type { Store } from '../src/store/ports';
import type { AlertMessenger } from '../src/use-cases/ports';

/** Counts what InfraWatch did; the Lambda entries flush the counts once per invocation. */
export interface MetricsPort {
  count(name: MetricName, value?: number): void;
}

/** A port that also flushes: the Lambda entries call `flush` when an invocation ends, whatever its outcome. */
export interface FlushingMetrics extends MetricsPort {
  flush(): void;
}

/** Counts nothing (the local stack, in-process tests). */
export const noMetrics: FlushingMetrics = { count: () => undefined, flush: () => undefined };

/**
 * Embedded metrics on Lambda (where CloudWatch Logs reads them), none elsewhere: the local stack and the
 * in-process tests would only print JSON lines nobody turns into metrics.
 */
export function defaultMetrics(env: NodeJS.ProcessEnv): FlushingMetrics {
  return env.AWS_LAMBDA_FUNCTION_NAME === undefined ? noMetrics : createLambdaMetrics();
}

/**
 * CloudWatch metrics in the embedded metric format (one JSON line on stdout per flush, which CloudWatch Logs
 * turns into metrics: no PutMetricData call, no extra latency), through Powertools Metrics (namespace and the
 * single `service` dimension from src/metrics.ts, shared with the stack's alarms). Nothing is written for an
 * invocation that counted nothing.
 */
export function createLambdaMetrics(): FlushingMetrics {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_DIMENSIONS.service });
  let pending = false;
  return {
    count(name, value = 1) {
      if (value <= 0) return;
      metrics.addMetric(name, MetricUnit.Count, value);
      pending = true;
    },
    flush() {
      if (!pending) return;
      pending = false;
      metrics.publishStoredMetrics();
    },
  };
}

/**
 * Counts at the store port, where the facts are exact: a change when the store writes it for the first time
 * (a redelivery is not counted), an acknowledgement when its conditional write wins, a muted change when its
 * muted delivery claim wins, a rejected input when it is stored, and a grouped change for every line added
 * to an alert beyond the one its message was first posted for (a redelivery that re-appends a line the alert
 * already holds counts it again: the store answers the same for both).
 */
export function instrumentStore(store: Store, metrics: MetricsPort): Store {
  const { changes, rejected, deliveries, alerts } = store;
  return {
    ...store,
    changes: {
      ...changes,
      async save(record) {
        const created = await changes.save(record);
        if (created) metrics.count(METRICS.changesRecorded);
        return created;
      },
    },
    rejected: {
      ...rejected,
      async save(input) {
        await rejected.save(input);
        metrics.count(METRICS.rejectedInputs);
      },
    },
    deliveries: {
      ...deliveries,
      async claim(delivery) {
        const standing = await deliveries.claim(delivery);
        if (standing.kind === 'muted' && delivery.kind === 'muted' && standing.at === delivery.at) {
          metrics.count(METRICS.changesMuted);
        }
        return standing;
      },
    },
    alerts: {
      ...alerts,
      async append(...args) {
        const result = await alerts.append(...args);
        // Revision 1: this append created the alert, its first line is the one its message is posted for.
        if (result.status === 'appended') {
          metrics.count(METRICS.changesGrouped, args[1].length - (result.rev === 1 ? 1 : 0));
        }
        return result;
      },
      async acknowledge(...args) {
        const result = await alerts.acknowledge(...args);
        if (result.status === 'acknowledged') metrics.count(METRICS.acknowledged);
        return result;
      },
    },
  };
}

/** Counts new alert messages (a post), and changes that joined a message already showing others. */
export function instrumentMessenger<M extends AlertMessenger>(messenger: M, metrics: MetricsPort): M {
  return {
    ...messenger,
    post: async (...args) => {
      const ref = await messenger.post(...args);
      metrics.count(METRICS.alertsPosted);
      return ref;
    },
  };
}
