import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeChange } from '../../src/changes/describe';
import { compilePattern, validatePattern } from '../../src/events/pattern';
import {
  buildCatalog,
  builtInCatalog,
  builtInWatches,
  createCatalog,
  DuplicateWatchError,
  InvalidWatchError,
  parseCustomWatch,
  watchesFor,
} from '../../src/watches';
import { loadCatalog, loadCustomWatches } from '../../src/watches/loader';
import { corpusEvent, corpusEvents } from '../helpers/events';

const EXAMPLES = join(__dirname, '..', '..', 'watches', 'examples');

/** The watch each corpus event belongs to, by file-name prefix and event name. */
const EXPECTED_PRIMARY: Record<string, string | null> = {
  cloudtrail: 'cloudtrail',
  iam: 'iam',
  s3: 's3',
  signin: 'signin',
  organizations: 'organizations',
  sts: null,
};
const EC2_WATCH: Record<string, string> = {
  AssociateRouteTable: 'route-tables',
  CreateRoute: 'route-tables',
  CreateRouteTable: 'route-tables',
  DeleteRoute: 'route-tables',
  ReplaceRoute: 'route-tables',
  AttachInternetGateway: 'vpc',
  CreateInternetGateway: 'vpc',
  CreateVpc: 'vpc',
  DeleteVpc: 'vpc',
  ModifyInstanceAttribute: 'ec2',
  RunInstances: 'ec2',
  StartInstances: 'ec2',
  StopInstances: 'ec2',
  TerminateInstances: 'ec2',
};

function tempDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'infrawatch-watches-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

describe('the built-in catalog', () => {
  it('has the fixed watch ids, each with a valid EventBridge pattern', () => {
    expect(builtInWatches.map((w) => w.id)).toEqual([
      'security-groups',
      'ec2',
      'vpc',
      'route-tables',
      's3',
      'iam',
      'cloudtrail',
      'signin',
      'organizations',
    ]);
    for (const watch of builtInWatches) {
      expect(validatePattern(watch.pattern)).toEqual({ valid: true });
      expect(watch.title.length).toBeGreaterThan(0);
      expect(watch.aliases.length).toBeGreaterThan(0);
    }
  });

  it.each([...corpusEvents().entries()])('puts %s under the right watch', (file, event) => {
    const prefix = file.split('.')[0] ?? '';
    const eventName = String(event.detail.eventName);
    const expected =
      prefix === 'ec2' ? (EC2_WATCH[eventName] ?? 'security-groups') : EXPECTED_PRIMARY[prefix];
    expect(watchesFor(event)).toEqual(expected === null ? [] : [expected]);
  });

  it('never watches read-only calls, even with a catch-all custom watch', () => {
    const catchAll = parseCustomWatch(
      { id: 'everything', title: 'All', pattern: { source: [{ prefix: 'aws.' }] } },
      'x.json',
    );
    const catalog = createCatalog([catchAll, ...builtInWatches]);
    const describe = structuredClone(corpusEvent('ec2.RunInstances.json'));
    describe.detail.eventName = 'DescribeInstances';
    describe.detail.readOnly = true;
    expect(watchesFor(describe, catalog)).toEqual([]);
    describe.detail.readOnly = false;
    expect(watchesFor(describe, catalog)).toEqual(['everything']);
  });

  it('matches exactly what a brute-force scan of every pattern matches (the index is only a pre-filter)', () => {
    const dotted = { ...corpusEvent('iam.CreateUser.json') };
    const { eventName, ...rest } = dotted.detail;
    const variants = [
      ...corpusEvents().values(),
      { ...dotted, detail: rest, 'detail.eventName': eventName },
      { ...dotted, detail: { ...dotted.detail, eventName: [eventName, 'Other'] } },
      { source: 'aws.iam' },
    ];
    const compiled = builtInWatches.map((watch) => ({
      id: watch.id,
      pattern: compilePattern(watch.pattern),
    }));
    for (const event of variants) {
      const brute = compiled.filter((c) => c.pattern.matches(event)).map((c) => c.id);
      expect(watchesFor(event, builtInCatalog)).toEqual(brute);
    }
  });

  it('ignores inputs that are not JSON objects', () => {
    expect(watchesFor(null)).toEqual([]);
    expect(watchesFor([corpusEvent('iam.CreateUser.json')])).toEqual([]);
    expect(watchesFor('text')).toEqual([]);
  });
});

describe('custom watches', () => {
  it('accepts a rule pasted as AWS tools print it: EventPattern text, PascalCase transformer', () => {
    const watch = parseCustomWatch(
      {
        id: 'pasted',
        title: 'Pasted',
        EventPattern: '{"source":["aws.iam"],"detail":{"eventName":["CreateUser"]}}',
        InputTransformer: {
          InputPathsMap: { u: '$.detail.userIdentity.userName' },
          InputTemplate: '"<u> made a user"',
        },
      },
      'pasted.json',
    );
    expect(watch.pattern).toEqual({ source: ['aws.iam'], detail: { eventName: ['CreateUser'] } });
    expect(watch.inputTransformer).toEqual({
      inputPathsMap: { u: '$.detail.userIdentity.userName' },
      inputTemplate: '"<u> made a user"',
    });
  });

  describe('a rule pasted unchanged (no id or title)', () => {
    const describeRule = {
      Name: 'Prod-IAM-Changes',
      Arn: 'arn:aws:events:us-east-1:123456789012:rule/Prod-IAM-Changes',
      EventPattern: '{"source":["aws.iam"],"detail":{"eventName":["CreateUser"]}}',
      State: 'ENABLED',
      Description: 'IAM users created in prod',
      EventBusName: 'default',
      CreatedBy: '123456789012',
    };
    const listTargets = {
      Targets: [
        {
          Id: 'ops-topic',
          Arn: 'arn:aws:sns:us-east-1:123456789012:ops',
          InputTransformer: {
            InputPathsMap: { u: '$.detail.requestParameters.userName' },
            InputTemplate: 'user <u> created',
          },
        },
      ],
    };
    const transformer = {
      inputPathsMap: { u: '$.detail.requestParameters.userName' },
      inputTemplate: 'user <u> created',
    };

    it('takes the id from the file name and the title from Description, else Name', () => {
      const watch = parseCustomWatch(describeRule, '/home/me/watches/Prod IAM_changes.json');
      expect(watch).toMatchObject({
        id: 'prod-iam-changes',
        title: 'IAM users created in prod',
        description: 'IAM users created in prod',
        pattern: { source: ['aws.iam'], detail: { eventName: ['CreateUser'] } },
      });
      expect(watch.inputTransformer).toBeUndefined();
      const { Description: _, ...noDescription } = describeRule;
      expect(parseCustomWatch(noDescription, 'iam.json')).toMatchObject({
        id: 'iam',
        title: 'Prod-IAM-Changes',
      });
      expect(parseCustomWatch({ ...describeRule, id: 'mine', title: 'Mine' }, 'x.json')).toMatchObject({
        id: 'mine',
        title: 'Mine',
      });
    });

    it('takes the transformer from list-targets-by-rule output: merged in, as an array, or printed after it', () => {
      const merged = parseCustomWatch({ ...describeRule, ...listTargets }, 'merged.json');
      const array = parseCustomWatch([describeRule, listTargets], 'array.json');
      const printed = loadCustomWatches(
        tempDir({
          'printed.json': `${JSON.stringify(describeRule, null, 4)}\n${JSON.stringify(listTargets, null, 4)}\n`,
        }),
      );
      expect(merged.inputTransformer).toEqual(transformer);
      expect(array.inputTransformer).toEqual(transformer);
      expect(printed.map((w) => [w.id, w.inputTransformer])).toEqual([['printed', transformer]]);
    });

    it.each([
      [
        { Name: 'nightly', ScheduleExpression: 'rate(1 day)' },
        'rule.json',
        /scheduled rule .*no event pattern/,
      ],
      [
        {
          ...describeRule,
          Targets: [
            { Id: 'a', InputTransformer: { InputTemplate: '"a"' } },
            { Id: 'b', InputTransformer: { InputTemplate: '"b"' } },
          ],
        },
        'rule.json',
        /targets a and b have different input transformers/,
      ],
      [describeRule, 'all.json', /cannot take the watch id from the file name 'all\.json'.*add "id"/],
      [describeRule, '---.json', /cannot take the watch id from the file name/],
      [[describeRule, 'text'], 'rule.json', /each part .* must be a JSON object/],
      [
        { ...describeRule, ...listTargets, InputTransformer: { InputTemplate: '"x"' } },
        'rule.json',
        /either "InputTransformer" or "Targets"/,
      ],
    ])('refuses %j (%s) with a clear reason', (json, fileName, message) => {
      expect(() => parseCustomWatch(json, fileName)).toThrow(InvalidWatchError);
      expect(() => parseCustomWatch(json, fileName)).toThrow(message);
    });

    it('says what is wrong with text that is neither JSON nor JSON documents one after the other', () => {
      expect(() => loadCustomWatches(tempDir({ 'two.json': '{"a":1} oops' }))).toThrow(
        /two\.json: not valid JSON/,
      );
    });
  });

  it('accepts Terraform spellings', () => {
    const watch = parseCustomWatch(
      {
        id: 'tf',
        title: 'TF',
        pattern: { source: ['aws.s3'] },
        inputTransformer: { input_paths: {}, input_template: '"x"' },
      },
      'tf.json',
    );
    expect(watch.inputTransformer).toEqual({ inputPathsMap: {}, inputTemplate: '"x"' });
  });

  it.each([
    [
      { id: 'bad', title: 'Bad', pattern: { source: 'aws.ec2' } },
      /bad\.json: Event pattern is not valid\. Reason: /,
    ],
    [
      { id: 'bad', title: 'Bad', pattern: { source: [] } },
      /bad\.json: Event pattern is not valid\. Reason: Empty arrays are not allowed/,
    ],
    [
      { id: 'bad', title: 'Bad', EventPattern: '{"source": [' },
      /bad\.json: Event pattern is not valid\. Reason: /,
    ],
    [{ id: 'bad', title: 'Bad' }, /exactly one of "pattern"/],
    [{ id: 'Bad Id', title: 'x', pattern: { source: ['a'] } }, /id must be lowercase/],
    [{ id: 'all', title: 'x', pattern: { source: ['a'] } }, /id is a reserved word/],
    [{ id: 'x', title: 'x', pattern: { source: ['a'] }, extra: 1 }, /Unrecognized key/],
    [
      { id: 'x', title: 'x', pattern: { source: ['a'] }, inputTransformer: { inputTemplate: '"<nope>"' } },
      /InputTemplate for target Target0 contains invalid placeholder nope\./,
    ],
  ])('rejects %j loudly, naming the file', (json, message) => {
    expect(() => parseCustomWatch(json, 'bad.json')).toThrow(InvalidWatchError);
    expect(() => parseCustomWatch(json, 'bad.json')).toThrow(message);
  });

  it('loads *.json directly in the folder, in name order; a missing folder is an error', () => {
    const dir = tempDir({
      'b.json': { id: 'b-watch', title: 'B', pattern: { source: ['aws.b'] } },
      'a.json': { id: 'a-watch', title: 'A', pattern: { source: ['aws.a'] } },
      'notes.txt': 'ignored',
    });
    expect(loadCustomWatches(dir).map((w) => w.id)).toEqual(['a-watch', 'b-watch']);
    expect(() => loadCustomWatches(join(dir, 'missing'))).toThrow(/watches folder .*missing does not exist/);
    expect(() => loadCustomWatches(join(dir, 'a.json'))).toThrow(/a\.json is not a folder/);
  });

  it('fails loudly on invalid JSON and on names taken by another watch', () => {
    expect(() => loadCustomWatches(tempDir({ 'broken.json': '{' }))).toThrow(/broken\.json: not valid JSON/);
    const clash = tempDir({
      'clash.json': { id: 'mine', aliases: ['sg'], title: 'x', pattern: { source: ['a'] } },
    });
    expect(() => loadCatalog({ watchesDir: clash })).toThrow(DuplicateWatchError);
    expect(() => loadCatalog({ watchesDir: clash })).toThrow(
      /Watch 'mine' \(.*clash\.json\) uses the name 'sg', already taken by watch 'security-groups'/,
    );
  });

  it('offers only the enabled built-in watches, and refuses an unknown id', () => {
    const catalog = loadCatalog({ builtIn: ['signin', 'iam'] });
    expect(catalog.watches.map((watch) => watch.id)).toEqual(['iam', 'signin']);
    expect(catalog.match(corpusEvent('ec2.StopInstances.json'))).toEqual([]);
    expect(() => loadCatalog({ builtIn: ['iam', 'ec3'] })).toThrow(
      "BUILT_IN_WATCHES: 'ec3' is not a built-in watch.",
    );
  });

  it('builds a catalog from parsed definitions without reading any file', () => {
    // Prepare: a definition as the loader would hand it over, from no file at all.
    const mine = parseCustomWatch(
      { id: 'prod-stops', pattern: { source: ['aws.ec2'], detail: { eventName: ['StopInstances'] } } },
      'inline definition',
    );

    // Act
    const catalog = buildCatalog({ custom: [mine], builtIn: ['ec2'] });

    // Assess: custom first, then only the enabled built-ins; the event takes the custom watch as primary.
    expect(catalog.watches.map((watch) => watch.id)).toEqual(['prod-stops', 'ec2']);
    expect(describeChange(corpusEvent('ec2.StopInstances.json'), catalog).watches).toEqual([
      'prod-stops',
      'ec2',
    ]);
    expect(buildCatalog()).toBe(builtInCatalog);
    expect(() => buildCatalog({ builtIn: ['ec3'] })).toThrow(
      "BUILT_IN_WATCHES: 'ec3' is not a built-in watch.",
    );
  });

  it('ships the two classic rules, whose transformer output becomes the summary line', () => {
    const catalog = loadCatalog({ watchesDir: EXAMPLES });
    const sg = describeChange(corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json'), catalog);
    expect(sg.watches).toEqual(['classic-sg-changes', 'security-groups']);
    expect(sg.summary).toBe(
      'The user AROAIZCYMDBM4SJU65M54:ryan@example.com has initiated AuthorizeSecurityGroupIngress for Security Group with id sg-0d921df5d84f7270a in us-east-1.',
    );
    expect(sg.severity).toBe('critical');
    const stop = describeChange(corpusEvent('ec2.StopInstances.json'), catalog);
    expect(stop.watch).toBe('classic-instance-changes');
    expect(stop.summary).toMatch(
      /^The user \S+ has initiated StopInstances for instance with instance id \{items:\[\{instanceId:i-/,
    );
  });
});
