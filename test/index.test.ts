import * as api from '../src';

describe('the public API (package main)', () => {
  it('exports what the issues fix', () => {
    for (const name of [
      'compilePattern',
      'matchesPattern',
      'validatePattern',
      'applyInputTransformer',
      'describeChange',
      'watchesFor',
      'builtInWatches',
      'renderAlert',
      'parseCommand',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name]).not.toBe('undefined');
    }
    expect(api.parseCommand('subscribe sg')).toEqual({ kind: 'subscribe', watches: ['security-groups'] });
    expect(api.builtInWatches.every((w) => w.id && w.aliases && w.title && w.pattern)).toBe(true);
  });
});
