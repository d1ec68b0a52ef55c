import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { compilePattern } from '../../src/events/pattern';
import { readText, sendAwsJson } from './http';

/** An event as EventBridge delivers it to a rule's target. */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface LocalRule {
  name: string;
  /** An EventBridge event pattern, matched with InfraWatch's own EventBridge semantics. */
  pattern: object;
  target(event: DeliveredEvent): Promise<unknown>;
}

export interface EventBridgeStandin {
  /** The endpoint to give the real `EventBridgeClient` (`endpoint`). */
  readonly endpoint: string;
  /** Every event accepted by PutEvents, in order. */
  readonly events: DeliveredEvent[];
  /** The next PutEvents call answers with this failure (HTTP 500, or one failed entry). */
  failNext(failure: 'http' | 'entry'): void;
  /** Resolves when every rule target started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string;
}

/**
 * A local stand-in for Amazon EventBridge's PutEvents (the only call InfraWatch makes), for tests and the local
 * stack: the real `@aws-sdk/client-eventbridge` talks to it over HTTP, it records every event, and it delivers
 * them asynchronously to local rules whose pattern matches — the way the deployed digest function is
 * triggered by a rule.
 */
export async function startEventBridgeStandin(
  options: {
    rules?: LocalRule[];
    account?: string;
    region?: string;
    onTargetError?: (error: unknown) => void;
  } = {},
): Promise<EventBridgeStandin> {
  const events: DeliveredEvent[] = [];
  const rules = (options.rules ?? []).map((rule) => ({ ...rule, compiled: compilePattern(rule.pattern) }));
  const failures: ('http' | 'entry')[] = [];
  const running = new Set<Promise<unknown>>();

  const server: Server = createServer(async (req, res) => {
    const target = req.headers['x-amz-target'];
    const body = await readText(req);
    if (target !== 'AWSEvents.PutEvents') {
      sendAwsJson(res, 400, {
        __type: 'UnknownOperationException',
        message: `${String(target)} is not supported here`,
      });
      return;
    }
    const failure = failures.shift();
    if (failure === 'http') {
      sendAwsJson(res, 500, { __type: 'InternalException', message: 'injected failure' });
      return;
    }
    let entries: PutEventsEntry[];
    try {
      entries = (JSON.parse(body) as { Entries?: PutEventsEntry[] }).Entries ?? [];
    } catch {
      sendAwsJson(res, 400, { __type: 'ValidationException', message: 'body is not JSON' });
      return;
    }
    const results = entries.map((entry, index) => {
      if (failure === 'entry' && index === 0)
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected failure' };
      if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const event: DeliveredEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: options.account ?? '000000000000',
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: options.region ?? 'us-east-1',
        resources: entry.Resources ?? [],
        detail,
      };
      events.push(event);
      for (const rule of rules) {
        if (!rule.compiled.matches(event)) continue;
        const delivery = rule
          .target(structuredClone(event))
          .catch((error: unknown) => options.onTargetError?.(error));
        running.add(delivery);
        void delivery.finally(() => running.delete(delivery));
      }
      return { EventId: event.id };
    });
    sendAwsJson(res, 200, {
      FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length,
      Entries: results,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    failNext: (failure) => failures.push(failure),
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
