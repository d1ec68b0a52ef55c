/**
 * The layering of STYLE.md, checked on every `npm test` rather than trusted to review: which folder may import
 * which, read from the imports themselves (TypeScript's own pre-processor, so `import type`, re-exports,
 * `import()` and `require()` all count, comments and strings do not), and every package the code imports
 * declared in package.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

interface Import {
  /** Repository-relative path of the importing file, `/`-separated. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path of the imported file for a relative specifier; else the package or builtin. */
  target: string;
}

interface Rule {
  /** What the rule protects, said in the failure. */
  name: string;
  /** Files the rule applies to. */
  files: RegExp;
  /** Imports (by target) the files must not have. */
  forbidden: RegExp;
  /** Files of `files` the rule does not apply to, with the reason in a comment where they are listed. */
  except?: RegExp;
}

/** I/O a pure module must not reach: Node's I/O builtins, the AWS SDK, Slack's clients, Powertools. */
const IO =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline)$|^@aws-sdk\/|^@slack\/(bolt|web-api|socket-mode|oauth)$|^@aws-lambda-powertools\//;
const PURE = /^src\/(views|changes|events|watches|commands|model)\//;

const RULES: Rule[] = [
  {
    name: 'src never imports app/ or infra/ (the engine does not know how or where it runs)',
    files: /^src\//,
    forbidden: /^(app|infra|bench|test)\//,
  },
  {
    name: 'views, changes, events, watches, commands and model do no I/O',
    files: PURE,
    forbidden: IO,
    // The one module that reads the custom-watch folder, beside the pure catalog: app/ and infra/ (which may
    // not import app/) both load watches through it (STYLE.md, "one loader for the custom-watch folder").
    except: /^src\/watches\/loader\.ts$/,
  },
  {
    name: 'views, changes, events, watches, commands and model do not reach the store',
    files: PURE,
    forbidden: /^src\/store\//,
  },
  {
    name: 'use cases depend on ports, not on the DynamoDB or memory adapters',
    files: /^src\/use-cases\//,
    forbidden: /^src\/store\/(dynamodb|memory)/,
  },
  {
    name: 'infra never imports app/ (it refers to the Lambda entries by path)',
    files: /^infra\//,
    forbidden: /^app\//,
  },
];

const SOURCE_DIRS = ['src', 'app', 'infra', 'bench', 'test'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|cts|mts)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((file) => !file.startsWith('test/fixtures/'));
}

function resolveRelative(from: string, specifier: string): string {
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier))
    .split('\\')
    .join('/');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    try {
      readFileSync(join(ROOT, candidate));
      return candidate;
    } catch {
      // not this spelling; try the next (TypeScript's own resolution order for our relative imports)
    }
  }
  return base;
}

function importsOf(file: string, text: string): Import[] {
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: specifier }) => ({
    from: file,
    specifier,
    target: specifier.startsWith('.') ? resolveRelative(file, specifier) : specifier,
  }));
}

function violations(imports: readonly Import[], rules: readonly Rule[] = RULES): string[] {
  return imports.flatMap((i) =>
    rules
      .filter(
        (rule) => rule.files.test(i.from) && !rule.except?.test(i.from) && rule.forbidden.test(i.target),
      )
      .map((rule) => `${i.from} imports '${i.specifier}': ${rule.name}`),
  );
}

/** The package a bare specifier names: `@aws-sdk/client-dynamodb/x` → `@aws-sdk/client-dynamodb`. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const allImports = SOURCE_DIRS.flatMap(sourceFiles).flatMap((file) =>
  importsOf(file, readFileSync(join(ROOT, file), 'utf8')),
);

describe('layering (STYLE.md)', () => {
  it('finds the imports of every kind it is meant to check', () => {
    // The checker proves itself on a file of its own making: an import it missed would be a rule never checked.
    const found = importsOf(
      'src/views/example.ts',
      [
        "import type { KnownBlock } from '@slack/types';",
        "export { renderAlert } from './alert';",
        "const sdk = () => import('@aws-sdk/client-dynamodb');",
        "const fs = require('node:fs');",
        "// import '../../app/config';",
      ].join('\n'),
    );
    expect(found.map((i) => i.target)).toEqual([
      '@slack/types',
      'src/views/alert.ts',
      '@aws-sdk/client-dynamodb',
      'node:fs',
    ]);
  });

  it('fails a deliberate violation of each rule', () => {
    const planted: Import[] = [
      { from: 'src/changes/x.ts', specifier: '../../app/config', target: 'app/config.ts' },
      { from: 'src/views/x.ts', specifier: 'node:fs', target: 'node:fs' },
      { from: 'src/events/x.ts', specifier: '@aws-sdk/client-dynamodb', target: '@aws-sdk/client-dynamodb' },
      { from: 'src/watches/x.ts', specifier: '../store/ports', target: 'src/store/ports.ts' },
      { from: 'src/use-cases/x.ts', specifier: '../store/memory', target: 'src/store/memory.ts' },
      { from: 'infra/stacks/x.ts', specifier: '../../app/config', target: 'app/config.ts' },
    ];
    expect(violations(planted)).toHaveLength(planted.length);
    // What stays allowed: types from @slack/types in a view, ports in a use case, app importing anything.
    expect(
      violations([
        { from: 'src/views/x.ts', specifier: '@slack/types', target: '@slack/types' },
        { from: 'src/use-cases/x.ts', specifier: '../store/ports', target: 'src/store/ports.ts' },
        { from: 'app/lambda/x.ts', specifier: '../../src/store/dynamodb', target: 'src/store/dynamodb.ts' },
      ]),
    ).toEqual([]);
  });

  it('holds in the tree', () => {
    expect(violations(allImports)).toEqual([]);
  });
});

describe('declared dependencies', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  /** Type-only packages published under @types (the code imports `aws-lambda`, npm installs @types/aws-lambda). */
  const declared = (name: string, deps: Record<string, string>) =>
    name in deps || `@types/${name.replace(/^@([^/]+)\//, '$1__')}` in deps;

  it('declares every package imported by production code (src/, app/ outside app/local) as a dependency', () => {
    const runtime = allImports.filter((i) => /^(src|app)\//.test(i.from) && !i.from.startsWith('app/local/'));
    const missing = runtime.flatMap((i) => {
      const name = packageOf(i.specifier);
      if (name === undefined || declared(name, manifest.dependencies)) return [];
      // A types-only package may sit in devDependencies: it is gone once compiled.
      if (name === 'aws-lambda' && declared(name, manifest.devDependencies)) return [];
      return [`${i.from} imports ${name}`];
    });
    expect(missing).toEqual([]);
  });

  it('declares every package imported anywhere else (the local stack, infra, bench, tests)', () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    const missing = allImports.flatMap((i) => {
      const name = packageOf(i.specifier);
      return name === undefined || declared(name, all) ? [] : [`${i.from} imports ${name}`];
    });
    expect(missing).toEqual([]);
  });
});
