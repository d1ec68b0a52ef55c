import { InvalidEventError } from '../../src/events/errors';
import { classifyInputFailure, RejectedInputError, readChange } from '../../src/use-cases/read-input';
import { builtInCatalog } from '../../src/watches';
import { corpusEvent } from '../helpers/events';

describe('classifyInputFailure (reject versus retry)', () => {
  it('rejects, with the reason, what names the input as the problem', () => {
    expect(classifyInputFailure(new InvalidEventError('detail.eventID is missing'))).toEqual({
      verdict: 'rejected',
      reason: 'detail.eventID is missing',
    });
    expect(classifyInputFailure(new RejectedInputError('body is not JSON: Unexpected end'))).toEqual({
      verdict: 'rejected',
      reason: 'body is not JSON: Unexpected end',
    });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'watches')")],
    ['a JSON error thrown by our own code, not by the body', new SyntaxError('Unexpected token')],
    [
      'a store outage',
      Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }),
    ],
    ['a thrown non-error', 'boom'],
  ])('retries everything else: %s', (_what, error) => {
    expect(classifyInputFailure(error)).toEqual({ verdict: 'retry', error });
  });
});

describe('readChange', () => {
  it('reads a CloudTrail event into its change', () => {
    const event = corpusEvent('iam.CreateUser.json');
    expect(readChange(JSON.stringify(event), builtInCatalog)).toMatchObject({
      id: event.detail.eventID,
      eventName: 'CreateUser',
    });
  });

  it('refuses a body that is not JSON as a rejected input, keeping the parser error as the cause', () => {
    let refusal: unknown;
    try {
      readChange('{"not json', builtInCatalog);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RejectedInputError);
    expect(refusal).toMatchObject({ name: 'RejectedInputError', code: 'RejectedInput' });
    expect((refusal as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
