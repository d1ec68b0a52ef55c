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
    render: unreachable,
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

  it('names a rejected direct invocation whose id is too long for a key by a hash of its body', async () => {
    const event = variant(corpusEvent('iam.CreateUser.json'), 2);
    event.id = 'i'.repeat(5000);
    const context = deps();

    const outcome = await handleEvents(event, context);

    expect(outcome).toEqual({ response: undefined, rejectedInputs: 1 });
    expect(context.store.rejectedInputs[0]?.id).toMatch(/^direct-[0-9a-f]{16}$/);
  });
});
