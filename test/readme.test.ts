import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInWatches } from '../src/watches';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('lists exactly the built-in watch catalog', () => {
    // Cells, trimmed: a formatter may pad the table's columns.
    const rows = README.split('\n')
      .filter((line) => /^\|\s*`[a-z0-9-]+`\s*\|/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    const expected = builtInWatches.map((w) => [
      `\`${w.id}\``,
      w.aliases.map((a) => `\`${a}\``).join(', '),
      w.description,
    ]);
    expect(rows).toEqual(expected);
  });

  it('keeps the two quick-start commands', () => {
    const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('## Watch catalog'));
    expect(quickStart).toContain('npm ci && npm start');
    expect(quickStart).toContain('npm test');
  });
});
