import { type EventsDeps, handleEvents } from '../../app/events/process-events';
import { createMemoryStore } from '../../src/store/memory';
import type { AlertMessenger } from '../../src/use-cases/ports';
import { systemClock } from '../../src/use-cases/ports';
import { builtInCatalog } from '../../src/watches';
import { corpusEvent, sqsBatch, variant } from '../helpers/events';

/** Slack is never reached in these tests: every input is rejected before routing. */
const unreachable = (): never => {
  throw new Error('Slack must not be called');
};
const messenger: AlertMessenger = {
  post: unreachable,
  update: unreachable,
  notify: unreachable,
  findPosted: unreachable,
  findNotified: unreachable,
};

function deps(): EventsDeps & { store: ReturnType<typeof createMemoryStore> } {
  const quiet = () => undefined;
  return {
    store: createMemoryStore(),
    messenger,
    render: { alert: unreachable, replacement: unreachable, escalation: unreachable },
    clock: systemClock,
    owner: 'test',
    catalog: builtInCatalog,
    log: { info: quiet, warn: quiet, error: quiet },
  };
}

describe('handleEvents', () => {
  it('counts the inputs it stored as rejected, for the RejectedInputs metric', async () => {
    // Prepare
    const badTime = variant(corpusEvent('iam.CreateUser.json'), 1);
    badTime.detail.eventTime = '1e12';
    const context = deps();

    // Act
    const outcome = await handleEvents(sqsBatch([badTime, '{"not json', { hello: 'world' }]), context);

    // Assess
    expect(outcome).toEqual({ response: { batchItemFailures: [] }, rejectedInputs: 3 });
    expect(context.store.rejectedInputs.map((r) => r.reason)).toEqual([
      expect.stringMatching(/detail\.eventTime/),
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/Not a CloudTrail event/),
    ]);
  });

  it('retries an input whose reading fails unexpectedly: a batch item failure, nothing stored as rejected', async () => {
    // Prepare: a catalog that throws as a bug would, for one event only.
    const broken = corpusEvent('iam.CreateUser.json');
    const fine = '{"not json';
    const errors: Record<string, unknown>[] = [];
    const context = {
      ...deps(),
      catalog: {
        ...builtInCatalog,
        match: (event: unknown) => {
          if ((event as { id?: string }).id === broken.id) throw new TypeError('the catalog is broken');
          return builtInCatalog.match(event);
        },
      },
      log: {
        info: () => undefined,
        warn: () => undefined,
        error: (_m: string, a: Record<string, unknown>) => errors.push(a),
      },
    };

    const batch = sqsBatch([broken, fine]);

    // Act
    const outcome = await handleEvents(batch, context);

    // Assess
    expect(outcome.response?.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]?.messageId }]);
    expect(outcome.rejectedInputs).toBe(1);
    expect(context.store.rejectedInputs.map((r) => r.reason)).toEqual([expect.stringMatching(/not JSON/)]);
    // The error object itself is logged (stack and cause serialised), not its string.
    expect(errors).toEqual([expect.objectContaining({ error: expect.any(TypeError) })]);
  });

  it('throws for a direct invocation whose reading fails unexpectedly, so Lambda retries it', async () => {
    const event = corpusEvent('iam.CreateUser.json');
    const context = {
      ...deps(),
      catalog: {
        ...builtInCatalog,
        match: () => {
          throw new Error('the catalog is broken');
        },
      },
    };

    await expect(handleEvents(event, context)).rejects.toThrow(/could not be processed/);
    expect(context.store.rejectedInputs).toEqual([]);
  });

  it('names a rejected direct invocation whose id is too long for a key by a hash of its body', async () => {
    const event = variant(corpusEvent('iam.CreateUser.json'), 2);
    event.id = 'i'.repeat(5000);
    const context = deps();

    const outcome = await handleEvents(event, context);

    expect(outcome).toEqual({ response: undefined, rejectedInputs: 1 });
    expect(context.store.rejectedInputs[0]?.id).toMatch(/^direct-[0-9a-f]{16}$/);
  });
});

describe('handleEvents: delayed render requests (the renders queue)', () => {
  it('stores a body that claims to be a render request but is not a valid one as rejected, never retried', async () => {
    // Prepare
    const context = deps();
    const bad = { infrawatch: 'render', alertId: 'A1', rev: 0, windowUntil: 'soon', streak: 0 };
    // Act
    const outcome = await handleEvents(sqsBatch([bad]), context);
    // Assess
    expect(outcome).toEqual({ response: { batchItemFailures: [] }, rejectedInputs: 1 });
    expect(context.store.rejectedInputs[0]?.reason).toMatch(/invalid render request/);
  });

  it('finishes a valid request for an alert that no longer exists without a Slack call or a retry', async () => {
    const context = deps();
    const request = {
      infrawatch: 'render',
      alertId: 'gone',
      rev: 2,
      windowUntil: '2026-11-27T10:00:02.000Z',
      streak: 0,
    };
    const outcome = await handleEvents(sqsBatch([request]), context);
    expect(outcome).toEqual({ response: { batchItemFailures: [] }, rejectedInputs: 0 });
    expect(context.store.rejectedInputs).toHaveLength(0);
  });
});
