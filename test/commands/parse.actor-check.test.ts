import { parseCommand } from '../../src/commands/parse';

describe('/infrawatch ask-actors and actor-confirms', () => {
  it.each([
    ['ask-actors on', { kind: 'ask-actors', ask: true }],
    ['ASK-ACTORS Off', { kind: 'ask-actors', ask: false }],
    ['actor-confirms acknowledge', { kind: 'actor-confirms', confirms: 'acknowledge' }],
    ['actor-confirms show', { kind: 'actor-confirms', confirms: 'show' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each([
    ['ask-actors', /Say on or off/],
    ['ask-actors offf', /did you mean 'off'\?/],
    ['ask-actors on please', /takes one word/],
    ['actor-confirms ack', /did you mean 'acknowledge'|I can't read/],
    ['ask-actor on', /did you mean 'ask-actors'\?/],
  ])('%s is refused with a helpful message', (text, message) => {
    const command = parseCommand(text);
    expect(command.kind).toBe('error');
    expect(command.kind === 'error' ? command.message : '').toMatch(message);
  });
});
