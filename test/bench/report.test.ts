import {
  type BenchmarkDocument,
  compareDocuments,
  comparisonSummary,
  completeFigure,
  countedFigure,
  documentJson,
  documentProblems,
  InvalidTargetError,
  MissingMarkersError,
  meetsTarget,
  README_END,
  README_START,
  REQUIRED_FIGURES,
  ratioFigure,
  renderBenchmarkMarkdown,
  renderReadmeSummary,
  spliceReadme,
} from '../../bench/report';

const machine: BenchmarkDocument['machine'] = {
  cpus: 'Test CPU',
  cores: 2,
  memoryGb: 8,
  os: 'Linux 6',
  node: 'v20.0.0',
  loadAverage: { start: 1, end: 2 },
  dynamodb: 'DynamoDB Local',
  commit: 'abc1234',
  date: '2026-12-01T10:00:00.000Z',
  quick: false,
  durationSeconds: 300,
};

describe('benchmark figures', () => {
  it('judges a target on the value, or on the ratio when the target says so', () => {
    // Prepare / Act / Assess in one: each bound, each side of it.
    expect(meetsTarget({ value: 6, target: '<= 6' })).toBe(true);
    expect(meetsTarget({ value: 7, target: '<= 6' })).toBe(false);
    expect(meetsTarget({ value: 0.4, target: '>= 0.5' })).toBe(false);
    expect(meetsTarget({ value: 1, target: '= 1' })).toBe(true);
    expect(meetsTarget({ value: 2, target: '= 1' })).toBe(false);
    expect(meetsTarget({ value: 100, ratio: 0.6, target: 'ratio >= 0.5' })).toBe(true);
    expect(meetsTarget({ value: 0.6, ratio: 0.4, target: 'ratio >= 0.5' })).toBe(false);
    expect(meetsTarget({ value: 1, target: undefined })).toBeUndefined();
    expect(meetsTarget({ value: 1, target: 'ratio <= 2' })).toBeUndefined();
    expect(() => meetsTarget({ value: 1, target: 'at most 6' })).toThrow(InvalidTargetError);
  });

  it('derives the ratio from the baseline and met from the target', () => {
    const figure = completeFigure({
      name: 'change.burst.rcu',
      label: 'RCU per change',
      unit: 'RCU',
      value: 8.6,
      baseline: 2.4,
      target: 'ratio <= 1.2',
    });
    expect(figure.ratio).toBeCloseTo(3.583, 3);
    expect(figure.met).toBe(false);
    expect(completeFigure({ name: 'x', label: 'x', unit: '', value: 3, target: '<= 3' }).met).toBe(true);
    expect(completeFigure({ name: 'x', label: 'x', unit: '', value: 3 })).not.toHaveProperty('met');
  });

  it('reports a timed ratio as the median of interleaved rounds, with their spread', () => {
    const figure = ratioFigure(
      { name: 'ack.latency.ratio', label: 'ack', unit: 'ms', target: 'ratio <= 6' },
      [
        { value: 30, baseline: 1 },
        { value: 20, baseline: 2 },
        { value: 24, baseline: 1 },
      ],
    );
    expect(figure.ratio).toBe(24);
    expect(figure.spread).toEqual({ min: 10, median: 24, max: 30, rounds: 3 });
    expect(figure.value).toBe(24);
    expect(figure.baseline).toBe(1);
    expect(figure.met).toBe(false);
  });

  it('reports a count over samples as their median, and says when the samples disagree', () => {
    const steady = countedFigure(
      { name: 'a', label: 'a', unit: 'requests', target: '<= 6' },
      [6, 6, 6],
      'GetItem 6',
    );
    expect(steady).toMatchObject({
      value: 6,
      count: true,
      met: true,
      note: 'GetItem 6; the same in all 3 samples',
    });
    const moving = countedFigure({ name: 'b', label: 'b', unit: 'steps', note: 'why' }, [3, 5, 4, 9]);
    expect(moving).toMatchObject({ value: 4.5, note: '3–9 over 4 samples; why' });
  });
});

describe('generated benchmark documents', () => {
  const doc: BenchmarkDocument = {
    machine,
    figures: [
      completeFigure({
        name: 'ack.dynamodb.requests',
        label: 'DynamoDB requests per winning Acknowledge',
        unit: 'requests',
        value: 14,
        target: '<= 6',
        count: true,
        headline: true,
        note: 'GetItem 6 | UpdateItem 5',
        gap: 'the lease write cannot carry the lines.',
      }),
      ratioFigure(
        {
          name: 'ack.latency.ratio',
          label: 'Acknowledge vs GetItem',
          unit: 'ms',
          target: 'ratio <= 6',
          headline: true,
        },
        [{ value: 5, baseline: 1 }],
      ),
      completeFigure({ name: 'engine.match.ratio', label: 'matching', unit: 'ns', value: 2, baseline: 20 }),
    ],
  };

  it('writes every figure with its baseline, ratio, target and verdict, grouped by area', () => {
    const markdown = renderBenchmarkMarkdown(doc);
    expect(markdown).toContain('## ack');
    expect(markdown).toContain('## engine');
    expect(markdown).toContain(
      '| `ack.dynamodb.requests` | DynamoDB requests per winning Acknowledge | 14 requests |  |  | ≤ 6 | **not met** |',
    );
    expect(markdown).toContain(
      '| `ack.latency.ratio` | Acknowledge vs GetItem | 5 ms | 1 ms | 5× (5–5, 1 round) | ratio ≤ 6 | met |',
    );
    expect(markdown).toContain('1 of 2 targets met');
    expect(markdown).toContain('2 × Test CPU');
    // A pipe in a note would break the table row it sits under.
    expect(markdown).toContain('GetItem 6 | UpdateItem 5');
    expect(markdown).not.toMatch(/^\| .*[^\\]\| UpdateItem/m);
  });

  it('states the reason of every target a run did not meet, and only of those', () => {
    const markdown = renderBenchmarkMarkdown(doc);
    const gaps = markdown.slice(markdown.indexOf('## Targets not met, and why'));
    expect(gaps).toContain(
      '- `ack.dynamodb.requests` (14 requests, target ≤ 6): the lease write cannot carry the lines.',
    );
    expect(gaps).not.toContain('ack.latency.ratio');
    const withoutReason = { ...doc, figures: doc.figures.map(({ gap: _gap, ...f }) => f) };
    expect(renderBenchmarkMarkdown(withoutReason)).toContain(
      '(14 requests, target ≤ 6): no reason recorded.',
    );
  });

  it('summarises only the headline figures for the README', () => {
    const summary = renderReadmeSummary(doc);
    expect(summary).toContain(
      '| DynamoDB requests per winning Acknowledge | 14 requests | ≤ 6 | **not met** |',
    );
    expect(summary).toContain(
      '| Acknowledge vs GetItem | 5× (5 ms vs 1 ms; 5–5× over 1 round) | ratio ≤ 6 | met |',
    );
    expect(summary).not.toContain('matching');
  });

  it('replaces only what lies between the README markers, and refuses a README without them', () => {
    const readme = `# Title\n\n${README_START}\nold table\n${README_END}\n\n## After\n`;
    const once = spliceReadme(readme, 'new table');
    expect(once).toBe(`# Title\n\n${README_START}\n\nnew table\n\n${README_END}\n\n## After\n`);
    expect(spliceReadme(once, 'new table')).toBe(once);
    expect(() => spliceReadme('# no markers', 'x')).toThrow(MissingMarkersError);
  });
});

describe('the JSON document (--json FILE, docs/benchmarks.json)', () => {
  const figures = [
    ratioFigure({ name: 'ack.latency.ratio', label: 'ack', unit: 'ms', target: 'ratio <= 6', note: 'n' }, [
      { value: 30, baseline: 2 },
    ]),
    completeFigure({ name: 'digest.slack.calls', label: 'digest', unit: 'calls', value: 41, count: true }),
  ];

  it('writes { machine, figures } with name, value, unit, baseline, ratio, target and met first', () => {
    // Act
    const parsed = JSON.parse(documentJson({ machine, figures })) as {
      machine: unknown;
      figures: Record<string, unknown>[];
    };
    // Assess
    expect(parsed.machine).toEqual(machine);
    expect(Object.keys(parsed.figures[0] ?? {})).toEqual([
      'name',
      'value',
      'unit',
      'baseline',
      'ratio',
      'target',
      'met',
      'spread',
      'label',
      'note',
    ]);
    expect(parsed.figures[0]).toMatchObject({
      name: 'ack.latency.ratio',
      value: 30,
      baseline: 2,
      ratio: 15,
      met: false,
    });
    // Optional keys are left out, not written as null.
    expect(parsed.figures[1]).toEqual({
      name: 'digest.slack.calls',
      value: 41,
      unit: 'calls',
      count: true,
      label: 'digest',
    });
  });

  it('names the required figures a run did not produce and the figures that are not numbers', () => {
    expect(documentProblems({ machine, figures })).toEqual(
      REQUIRED_FIGURES.filter((name) => name !== 'ack.latency.ratio' && name !== 'digest.slack.calls').map(
        (name) => `${name} is missing`,
      ),
    );
    const complete = REQUIRED_FIGURES.map((name) =>
      completeFigure({ name, label: name, unit: '', value: 1 }),
    );
    expect(documentProblems({ machine, figures: complete })).toEqual([]);
    const empty = ratioFigure({ name: 'ack.latency.ratio', label: 'ack', unit: 'ms' }, []);
    expect(
      documentProblems({
        machine,
        figures: [...complete.filter((f) => f.name !== 'ack.latency.ratio'), empty],
      }),
    ).toEqual(['ack.latency.ratio has no finite value (NaN, ratio NaN)']);
  });
});

describe('comparing two runs', () => {
  it('compares timed figures by their ratio and counts by their value (even beside a baseline)', () => {
    const run = (latency: number, requests: number): BenchmarkDocument => ({
      machine,
      figures: [
        ratioFigure({ name: 'ack.latency.ratio', label: 'a', unit: 'ms' }, [{ value: latency, baseline: 2 }]),
        completeFigure({
          name: 'ack.dynamodb.requests',
          label: 'r',
          unit: 'requests',
          value: requests,
          count: true,
        }),
      ],
    });
    const before = run(40, 14);
    const after = run(50, 14);
    after.figures.push(completeFigure({ name: 'only.later', label: 'x', unit: '', value: 1 }));
    expect(compareDocuments(before, after)).toEqual([
      {
        name: 'ack.latency.ratio',
        compared: 'ratio',
        before: 20,
        after: 25,
        change: 0.25,
        count: false,
        headline: false,
      },
      {
        name: 'ack.dynamodb.requests',
        compared: 'value',
        before: 14,
        after: 14,
        change: 0,
        count: true,
        headline: false,
      },
    ]);
  });
});

describe('how two runs agree', () => {
  const change = (
    name: string,
    before: number,
    after: number,
    extra: { count?: boolean; headline?: boolean },
  ) => ({
    name,
    compared: extra.count ? ('value' as const) : ('ratio' as const),
    before,
    after,
    change: after / before - 1,
    count: extra.count ?? false,
    headline: extra.headline ?? false,
  });

  it('states the largest move of a headline timed ratio against the 25% tolerance, and every count that moved', () => {
    const within = comparisonSummary([
      change('ack.latency.ratio', 20, 24, { headline: true }),
      change('events.throughput.ratio', 0.2, 0.19, { headline: true }),
      change('engine.match.ratio', 1, 2, {}),
      change('ack.dynamodb.requests', 14, 14, { count: true, headline: true }),
    ]);
    expect(within).toBe(
      '1 of 4 figures moved more than 25.0%; headline timed ratios moved at most 20.0% (ack.latency.ratio): within 25.0%; every count the same',
    );
    const apart = comparisonSummary([
      change('ack.latency.ratio', 20, 26, { headline: true }),
      change('ack.dynamodb.requests', 14, 6, { count: true, headline: true }),
    ]);
    expect(apart).toContain('moved at most 30.0% (ack.latency.ratio): NOT within 25.0%');
    expect(apart).toContain('counts that changed: ack.dynamodb.requests');
  });
});
