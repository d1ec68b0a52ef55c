/** The command line of `npm run bench` (see index.ts for what each option does). */

export interface Options {
  quick: boolean;
  /** Where to write the figures as JSON, besides the terminal. */
  json: string | undefined;
  /** A full run of every suite regenerates docs/benchmarks.{md,json} and the README summary unless false. */
  docs: boolean;
  /** The suites to run; empty for all. */
  only: string[];
}

export class UsageError extends Error {
  readonly code = 'Usage';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function parseArgs(argv: readonly string[], suites: readonly string[]): Options {
  const options: Options = { quick: false, json: undefined, docs: true, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-docs') options.docs = false;
    else if (arg === '--json' || arg.startsWith('--json=')) {
      const file = arg === '--json' ? argv[++i] : arg.slice('--json='.length);
      if (!file || file.startsWith('-')) throw new UsageError('--json needs a file name');
      options.json = file;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (suites.includes(arg)) {
      if (!options.only.includes(arg)) options.only.push(arg);
    } else throw new UsageError(`unknown bench suite ${arg}; choose from ${suites.join(', ')}`);
  }
  return options;
}
