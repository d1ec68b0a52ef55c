import { parseArgs, UsageError } from '../../bench/options';

const SUITES = ['engine', 'pipeline', 'ack'];

describe('npm run bench options', () => {
  it('runs every suite, writing the docs, when given nothing', () => {
    expect(parseArgs([], SUITES)).toEqual({ quick: false, json: undefined, docs: true, only: [] });
  });

  it('takes --quick, --no-docs, --json FILE or --json=FILE and suite names, each suite once', () => {
    expect(parseArgs(['--quick', '--json', 'out/a.json', 'ack', 'engine', 'ack'], SUITES)).toEqual({
      quick: true,
      json: 'out/a.json',
      docs: true,
      only: ['ack', 'engine'],
    });
    expect(parseArgs(['--no-docs', '--json=b.json'], SUITES)).toMatchObject({ docs: false, json: 'b.json' });
  });

  it('refuses a --json without a file, an unknown option and an unknown suite, naming the choices', () => {
    expect(() => parseArgs(['--json'], SUITES)).toThrow(new UsageError('--json needs a file name'));
    expect(() => parseArgs(['--json', '--quick'], SUITES)).toThrow('--json needs a file name');
    expect(() => parseArgs(['--json='], SUITES)).toThrow('--json needs a file name');
    expect(() => parseArgs(['--fast'], SUITES)).toThrow('unknown option --fast');
    expect(() => parseArgs(['acknowledge'], SUITES)).toThrow(
      'unknown bench suite acknowledge; choose from engine, pipeline, ack',
    );
  });
});
