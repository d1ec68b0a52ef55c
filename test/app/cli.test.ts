import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../app/cli';

const FIXTURES = join(__dirname, '..', 'fixtures', 'cloudtrail');
const SSH = join(FIXTURES, 'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
const EXAMPLES = join(__dirname, '..', '..', 'watches', 'examples');
/** Custom watches of these tests: never the repository's own watches/ folder, which users fill. */
const WATCHES = join(__dirname, '..', 'fixtures', 'watches');

function cliWith(env: NodeJS.ProcessEnv, argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  if (typeof code !== 'number') throw new Error('only export is asynchronous');
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function cli(...argv: string[]): { code: number; out: string; err: string } {
  return cliWith({ WATCHES_DIR: WATCHES }, argv);
}

function file(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'infrawatch-cli-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('infrawatch CLI', () => {
  it('prints usage for no command and --help', () => {
    expect(cli().out).toMatch(/^Usage: infrawatch <command>/);
    expect(cli('--help').code).toBe(0);
  });

  it('lists the catalog, custom watches first with their file', () => {
    const { code, out } = cli('watches', '--watches', EXAMPLES);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^WATCH\s+ALIASES\s+WHAT IT WATCHES$/);
    expect(lines[1]).toMatch(/^classic-instance-changes .*classic-ec2-instance-changes\.json\]$/);
    expect(out).toMatch(/\nsecurity-groups\s+sg, sgs/);
  });

  it('matches a pattern against an event: exit 0 on match, 1 otherwise, raw number literals kept', () => {
    const pattern = file('p.json', '{"detail":{"eventName":["AuthorizeSecurityGroupIngress"]}}');
    expect(cli('match', pattern, SSH)).toEqual({ code: 0, out: 'match', err: '' });
    const other = file('o.json', '{"detail":{"eventName":["RunInstances"]}}');
    expect(cli('match', other, SSH)).toEqual({ code: 1, out: 'no match', err: '' });
    const numeric = file('n.json', '{"x":[300]}');
    expect(cli('match', numeric, file('e.json', '{"x": 3.0e2}')).code).toBe(0);
  });

  it('answers invalid input with exit 2 and EventBridge’s message on one line', () => {
    const bad = file('bad.json', '{"source": "aws.ec2"}');
    const { code, out, err } = cli('match', bad, SSH);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^infrawatch: Event pattern is not valid\. Reason: /);
    expect(err.split('\n')).toHaveLength(1);
    expect(cli('match', join(FIXTURES, 'missing.json'), SSH)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot read .*ENOENT/),
    });
    expect(cli('match', bad)).toMatchObject({
      code: 2,
      err: 'infrawatch: usage: infrawatch match <pattern.json> <event.json>',
    });
    expect(cli('frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown command 'frobnicate'/),
    });
    expect(cli('watches', '--bogus')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^infrawatch: Unknown option '--bogus'/),
    });
  });

  it('reads custom watches from WATCHES_DIR, the variable the app reads, and fails clearly on a missing folder', () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'infrawatch-cli-empty-'));

    // Act
    const listed = cli('watches');
    const described = JSON.parse(cli('describe', SSH).out) as { watches: string[]; summary: string };
    const fromEmpty = cliWith({ WATCHES_DIR: empty }, ['watches']);
    const missing = cli('watches', '--watches', '/nonexistent');
    const missingEnv = cliWith({ WATCHES_DIR: join(empty, 'nope') }, ['describe', SSH]);

    // Assess
    expect(listed.out).toMatch(
      /\nssh-ingress\s+Security group ingress opened \(pasted from describe-rule\) \[/,
    );
    expect(described.watches[0]).toBe('ssh-ingress');
    expect(described.summary).toBe(
      'arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com changed ingress of sg-0d921df5d84f7270a',
    );
    expect(fromEmpty.out).not.toMatch(/ssh-ingress/);
    expect(missing).toEqual({
      code: 2,
      out: '',
      err: expect.stringMatching(/^infrawatch: watches folder \/nonexistent does not exist/),
    });
    expect(missingEnv.code).toBe(2);
    expect(missingEnv.err).toMatch(/watches folder .*nope does not exist \(WATCHES_DIR\)/);
  });

  it('matches a watch file, or a pasted describe-rule output, as watches/README.md says', () => {
    const watchFile = join(EXAMPLES, 'classic-security-group-changes.json');
    expect(cli('match', watchFile, SSH)).toEqual({ code: 0, out: 'match', err: '' });
    expect(cli('match', join(WATCHES, 'ssh-ingress.json'), SSH)).toEqual({ code: 0, out: 'match', err: '' });
    const ec2 = join(EXAMPLES, 'classic-ec2-instance-changes.json');
    expect(cli('match', ec2, SSH)).toEqual({ code: 1, out: 'no match', err: '' });
    const bad = file('bad-watch.json', '{"EventPattern": "{\\"source\\": \\"aws.ec2\\"}"}');
    expect(cli('match', bad, SSH)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/bad-watch\.json: Event pattern is not valid/),
    });
  });

  it('transforms with a list-targets-by-rule output as printed', () => {
    const targets = file(
      'targets.json',
      JSON.stringify({
        Targets: [
          {
            Id: 'sns',
            Arn: 'arn:aws:sns:us-east-1:123456789012:ops',
            InputTransformer: { InputPathsMap: { r: '$.region' }, InputTemplate: '<r> changed' },
          },
        ],
      }),
    );
    expect(cli('transform', targets, SSH)).toEqual({ code: 0, out: 'us-east-1 changed', err: '' });
  });

  it('describes an event as the Change JSON', () => {
    const builtInOnly = mkdtempSync(join(tmpdir(), 'infrawatch-cli-empty-'));
    const { code, out } = cliWith({ WATCHES_DIR: builtInOnly }, ['describe', SSH]);
    expect(code).toBe(0);
    const change = JSON.parse(out) as { watch: string; severity: string; summary: string };
    expect(change).toMatchObject({ watch: 'security-groups', severity: 'critical' });
    expect(change.summary).toMatch(/tcp\/22/);
  });

  it('explains why an event is not a change', () => {
    const notCloudTrail = file(
      'e.json',
      '{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}',
    );
    const { code, err } = cli('describe', notCloudTrail);
    expect(code).toBe(2);
    expect(err).toMatch(/^infrawatch: Not a CloudTrail event: /);
  });

  it('applies an input transformer from a watch file or a bare transformer', () => {
    const watchFile = join(EXAMPLES, 'classic-security-group-changes.json');
    expect(cli('transform', watchFile, SSH).out).toBe(
      '"The user AROAIZCYMDBM4SJU65M54:ryan@example.com has initiated AuthorizeSecurityGroupIngress for Security Group with id sg-0d921df5d84f7270a in us-east-1."',
    );
    const bare = file('t.json', '{"InputPathsMap":{"r":"$.region"},"InputTemplate":"{\\"region\\": <r>}"}');
    expect(cli('transform', bare, SSH).out).toBe('{"region": "us-east-1"}');
    const invalid = file('t.json', '{"inputTemplate":"\\"<missing>\\""}');
    expect(cli('transform', invalid, SSH)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/invalid placeholder missing/),
    });
  });
});
