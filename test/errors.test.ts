import { ConfigError } from '../app/config';
import { AppError } from '../app/errors';
import { SlackRateLimitedError } from '../app/slack/alert-messenger';
import { EngineError, InvalidEventError } from '../src/events/errors';
import { InvalidPatternError } from '../src/events/pattern';
import { NotAllowedError } from '../src/use-cases/channel-settings';
import { UseCaseError } from '../src/use-cases/errors';
import { MessageNotFoundError } from '../src/use-cases/ports';
import { RejectedInputError } from '../src/use-cases/read-input';
import { RenderPendingError } from '../src/use-cases/sync-alert';
import { InvalidWatchError } from '../src/watches/custom';

describe('errors: one base class per layer, named after the class, with a code and the cause kept', () => {
  const cause = new Error('what Slack or the SDK said');

  it.each([
    [EngineError, new InvalidEventError('detail.eventID is missing'), 'InvalidEventError', 'InvalidEvent'],
    [EngineError, new InvalidPatternError('bad pattern'), 'InvalidPatternError', 'InvalidEventPattern'],
    [EngineError, new InvalidWatchError('a.json', 'no pattern'), 'InvalidWatchError', 'InvalidWatch'],
    [UseCaseError, new NotAllowedError('mute'), 'NotAllowedError', 'NotAllowed'],
    [UseCaseError, new RenderPendingError('A1'), 'RenderPendingError', 'RenderPending'],
    [UseCaseError, new RejectedInputError('body is not JSON'), 'RejectedInputError', 'RejectedInput'],
    [AppError, new ConfigError('TABLE_NAME is required'), 'ConfigError', 'Config'],
  ])('%p: %s', (base, error, name, code) => {
    expect(error).toBeInstanceOf(base);
    expect(error).toMatchObject({ name, code });
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  it('keeps the cause of a wrapped error (Powertools logs it with its own stack)', () => {
    expect(new MessageNotFoundError({ channel: 'C1', ts: '1.2' }, { cause }).cause).toBe(cause);
    expect(new SlackRateLimitedError('chat.update', 30, { cause }).cause).toBe(cause);
    expect(new InvalidEventError('not JSON', undefined, { cause }).cause).toBe(cause);
    expect(new RejectedInputError('not JSON', { cause }).cause).toBe(cause);
  });
});
