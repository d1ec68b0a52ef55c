import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyInputTransformer,
  DEFAULT_TARGET_ID,
  type InputTransformerConfig,
  InvalidEventError,
  InvalidInputTransformerError,
  MissingTransformerContextError,
  UndeliverablePayloadError,
  unquoteStringPayload,
  validateInputTransformer,
} from '../../src/events/input-transformer';

interface TransformerCase {
  id: string;
  inputPathsMap: Record<string, string> | null;
  inputTemplate: string;
  event: Record<string, unknown>;
  context?: { ruleName: string; ruleArn: string; ingestionTime: string };
  expected: string | null;
  compare?: 'exact' | 'json';
  expectedJson?: unknown;
  delivered?: false;
  expectedError?: { api: string; code: string; message: string };
}

const FIXTURES = join(__dirname, '..', 'fixtures');
const CASES: readonly TransformerCase[] = JSON.parse(
  readFileSync(join(FIXTURES, 'input-transformer', 'cases.json'), 'utf8'),
);

function loadCloudTrail(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'cloudtrail', file), 'utf8'));
}

function transformerOf(testCase: TransformerCase): InputTransformerConfig {
  return { inputPathsMap: testCase.inputPathsMap ?? undefined, inputTemplate: testCase.inputTemplate };
}

// The fixture records this case's target InputPath only in its note ("both InputPath ($.detail) and ...").
const TARGET_FIELDS: Readonly<Record<string, { inputPath?: string }>> = {
  'ls-input-and-inputtransformer-error': { inputPath: '$.detail' },
};

const TARGET_ID = 'infrawatch-slack';

/** An event with the envelope CloudTrail events carry, and `detail` as given. */
function eventWith(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: '11111111-2222-3333-4444-555555555555',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2024-05-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function render(
  inputTemplate: string,
  detail: Record<string, unknown>,
  map?: Record<string, string>,
): string {
  return applyInputTransformer(
    { inputPathsMap: map ?? { v: '$.detail.v' }, inputTemplate },
    eventWith(detail),
  );
}

function rejection(transformer: InputTransformerConfig, target?: string) {
  const result = validateInputTransformer(transformer, target);
  if (result.valid) throw new Error('expected the transformer to be refused');
  return result;
}

describe('input transformer fixture cases', () => {
  test.each(CASES.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, original) => {
    // Prepare
    const testCase = structuredClone(original);
    const transformer = transformerOf(testCase);

    if (testCase.expectedError !== undefined) {
      // Act
      const result = validateInputTransformer(transformer, {
        targetId: TARGET_ID,
        ...TARGET_FIELDS[testCase.id],
      });
      // Assess
      expect(testCase.expectedError).toMatchObject({ api: 'PutTargets', code: 'ValidationException' });
      expect(result).toEqual({
        valid: false,
        rejectedBy: 'eventbridge',
        message: testCase.expectedError.message.replace('<target-id>', TARGET_ID),
      });
      return;
    }

    if (testCase.delivered === false) {
      // Act + Assess
      expect(validateInputTransformer(transformer)).toEqual({ valid: true });
      expect(() => applyInputTransformer(transformer, testCase.event, testCase.context)).toThrow(
        UndeliverablePayloadError,
      );
      return;
    }

    // Act
    const payload = applyInputTransformer(transformer, testCase.event, testCase.context);

    // Assess
    if (testCase.compare === 'json') {
      expect(JSON.parse(payload)).toEqual(testCase.expectedJson ?? JSON.parse(testCase.expected as string));
    } else {
      expect(payload).toBe(testCase.expected);
    }
  });

  it('covers every kind of expectation the fixture file uses', () => {
    expect(CASES).toHaveLength(51);
    expect(CASES.filter((c) => c.delivered === false)).toHaveLength(3);
    expect(CASES.filter((c) => c.expectedError !== undefined)).toHaveLength(2);
    expect(CASES.filter((c) => c.compare === 'json').length).toBeGreaterThan(10);
  });
});

describe('the two classic rules teams use', () => {
  const securityGroupRule: InputTransformerConfig = {
    inputPathsMap: {
      changetype: '$.detail.eventName',
      sgid: '$.detail.requestParameters.groupId',
      region: '$.detail.awsRegion',
      username: '$.detail.userIdentity.principalId',
    },
    inputTemplate:
      '"The user <username> has initiated <changetype> for Security Group with id <sgid> in <region>."',
  };
  const instanceRule: InputTransformerConfig = {
    inputPathsMap: {
      instanceid: '$.detail.requestParameters.instancesSet',
      changetype: '$.detail.eventName',
      region: '$.detail.awsRegion',
      username: '$.detail.userIdentity.principalId',
    },
    inputTemplate:
      '"The user <username> has initiated <changetype> for instance with instance id <instanceid> in <region>."',
  };

  it.each([
    [
      'ec2.AuthorizeSecurityGroupEgress.json',
      '"The user PRINCIPALID:i-06815aa7cf7d21f8f has initiated AuthorizeSecurityGroupEgress for Security Group with id sg-038ccc3a1f7b05f42 in us-east-1."',
    ],
    [
      'ec2.AuthorizeSecurityGroupIngress.flat-params-stratus.json',
      '"The user AIDAQ5Y2TGCDATQV6SRP has initiated AuthorizeSecurityGroupIngress for Security Group with id sg-003dc7f1f1c686164 in us-northeast-1r."',
    ],
    [
      'ec2.DeleteSecurityGroup.json',
      '"The user AROAIZCYMDBM4SJU65M54:ryan@example.com has initiated DeleteSecurityGroup for Security Group with id sg-0d921df5d84f7270a in us-east-1."',
    ],
    [
      'ec2.RevokeSecurityGroupEgress.json',
      '"The user AIDAJ32G7TF77VYY2EN6G has initiated RevokeSecurityGroupEgress for Security Group with id sg-0f4f552819eac34fc in us-west-2."',
    ],
  ])('security-group rule on %s', (file, expected) => {
    const payload = applyInputTransformer(securityGroupRule, loadCloudTrail(file));
    expect(payload).toBe(expected);
    expect(unquoteStringPayload(payload)).toBe(expected.slice(1, -1));
  });

  it.each([
    [
      'ec2.StartInstances.json',
      '"The user EXAMPLE6E4XEGITWATV6R has initiated StartInstances for instance with instance id {items:[{instanceId:i-EXAMPLE56126103cb},{instanceId:i-EXAMPLEaff4840c22}]} in us-east-1."',
    ],
    [
      'ec2.RunInstances.json',
      '"The user AROA5PZQZ5QHBULW27VAC:temp_user has initiated RunInstances for instance with instance id {items:[{imageId:ami-026b57f3c383c2eec,keyName:kp1,maxCount:1,minCount:1}]} in us-east-1."',
    ],
    [
      'ec2.TerminateInstances.autoscaling.json',
      '"The user AROATSZWD7TDLUEWEUXXI:AutoScaling has initiated TerminateInstances for instance with instance id {items:[{instanceId:i-0d9853f67e40ab80b}]} in us-west-2."',
    ],
  ])('EC2 instance rule on %s', (file, expected) => {
    const payload = applyInputTransformer(instanceRule, loadCloudTrail(file));
    expect(payload).toBe(expected);
    expect(unquoteStringPayload(payload)).toBe(expected.slice(1, -1));
  });

  it('passes both rules as valid PutTargets input', () => {
    expect(validateInputTransformer(securityGroupRule)).toEqual({ valid: true });
    expect(validateInputTransformer(instanceRule)).toEqual({ valid: true });
  });
});

describe('string templates', () => {
  it('splices strings raw: quotes, backslashes and newlines are not escaped', () => {
    expect(render('"said <v>"', { v: 'he said "hi" \\o/\nbye' })).toBe('"said he said "hi" \\o/\nbye"');
  });

  it('keeps unicode as it is', () => {
    expect(render('"héllo <v>"', { v: '日本語 🚀 ß' })).toBe('"héllo 日本語 🚀 ß"');
  });

  it('writes numbers, booleans and null as their JSON text', () => {
    expect(render('"<v>"', { v: 22 })).toBe('"22"');
    expect(render('"<v>"', { v: -1.5 })).toBe('"-1.5"');
    expect(render('"<v>"', { v: false })).toBe('"false"');
    expect(render('"<v>"', { v: null })).toBe('"null"');
  });

  it('writes nested arrays and objects as compact JSON without any double quote', () => {
    const v = [[1, 2], ['a', { b: 'c', d: [true, null] }], {}, []];
    expect(render('"v=<v>"', { v })).toBe('"v=[[1,2],[a,{b:c,d:[true,null]}],{},[]]"');
  });

  it('renders a missing path, and a path through null, as nothing', () => {
    expect(render('"[<v>]"', {})).toBe('"[]"');
    expect(render('"[<v>]"', { x: null }, { v: '$.detail.x.y' })).toBe('"[]"');
  });

  it('delivers a multi-line template (several quoted lines) as it is', () => {
    const payload = render('"Job <v> ran."\n"State: <v>."\n', { v: 'nightly' });
    expect(payload).toBe('"Job nightly ran."\n"State: nightly."\n');
    expect(unquoteStringPayload(payload)).toBe('Job nightly ran.\nState: nightly.');
  });

  it('classifies by the first non-blank character', () => {
    expect(render('  "x <v>"', { v: 'y' })).toBe('  "x y"');
  });
});

describe('JSON templates', () => {
  it('gives a string value exactly one pair of quotes, quoted in the template or not', () => {
    expect(render('{"a": <v>, "b": "<v>"}', { v: 'x' })).toBe('{"a": "x", "b": "x"}');
  });

  it('escapes a string in value position', () => {
    const payload = render('{"a": <v>}', { v: 'say "hi"\\\n' });
    expect(payload).toBe('{"a": "say \\"hi\\"\\\\\\n"}');
    expect(JSON.parse(payload)).toEqual({ a: 'say "hi"\\\n' });
  });

  it('does not deliver a string that breaks the quoted literal it is spliced into', () => {
    const act = () => render('{"a": "said <v>"}', { v: 'he said "hi"' });
    expect(act).toThrow(UndeliverablePayloadError);
    expect(act).toThrow(/double quote, backslash or control character/);
  });

  it('keeps unicode unescaped in value position and in literals', () => {
    expect(render('{"a": <v>, "b": "→ <v>"}', { v: 'Zürich 🚀' })).toBe(
      '{"a": "Zürich 🚀", "b": "→ Zürich 🚀"}',
    );
  });

  it('writes numbers, booleans and null as JSON values, and as text inside literals', () => {
    expect(render('{"n": <v>, "s": "<v>", "t": "port <v>"}', { v: 22 })).toBe(
      '{"n": 22, "s": "22", "t": "port 22"}',
    );
    expect(render('{"n": <v>}', { v: 0.25 })).toBe('{"n": 0.25}');
    expect(render('{"b": <v>, "s": "<v>"}', { v: true })).toBe('{"b": true, "s": "true"}');
    expect(render('{"z": <v>, "s": "is <v>"}', { v: null })).toBe('{"z": null, "s": "is null"}');
  });

  it('inserts nested arrays and objects as compact JSON in key order', () => {
    const v = { z: [[1, 2], ['a']], a: { 'b-c': null } };
    expect(render('{"v": <v>}', { v })).toBe('{"v": {"z":[[1,2],["a"]],"a":{"b-c":null}}}');
  });

  it('renders a missing path as an empty string in every position', () => {
    expect(render('{"a": <v>, "b": [<v>], "c": "x<v>y"}', {})).toBe('{"a": "", "b": [""], "c": "xy"}');
  });

  it("keeps the template's whitespace", () => {
    expect(render('{\n  "a" : <v>,\n\t"b": [ 1 ]\n}', { v: 'x' })).toBe('{\n  "a" : "x",\n\t"b": [ 1 ]\n}');
  });

  it('accepts array and bare-value templates', () => {
    expect(render('[<v>, "x <v>"]', { v: 'a' })).toBe('["a", "x a"]');
    expect(render('<v>', { v: { k: [1] } })).toBe('{"k":[1]}');
  });

  it('names the variable when an object inside a literal makes the event undeliverable', () => {
    const act = () => render('{"a": "<v>"}', { v: { k: 'x' } });
    expect(act).toThrow(/<v> holds an object and sits inside a quoted string/);
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(UndeliverablePayloadError);
      expect((error as UndeliverablePayloadError).code).toBe('Undeliverable');
      expect((error as UndeliverablePayloadError).payload).toBe('{"a": "{"k":"x"}"}');
    }
  });
});

describe('JSONPath', () => {
  const detail = {
    'instance-id': 'i-1',
    "it's": 'quoted',
    'a/b': 'slash',
    'dotted.key': 'dot',
    ünï: 'unicode',
    list: [['x', 'y'], [{ id: 'deep' }]],
    nothing: null,
  };

  it.each([
    ['$.detail.instance-id', 'i-1'],
    ["$['detail']['instance-id']", 'i-1'],
    ['$["detail"]["dotted.key"]', 'dot'],
    ["$.detail['it\\'s']", 'quoted'],
    ['$.detail.a/b', 'slash'],
    ['$.detail.ünï', 'unicode'],
    ['$.detail.list[0][1]', 'y'],
    ['$.detail.list[1][0].id', 'deep'],
    ['$.detail-type', 'AWS API Call via CloudTrail'],
  ])('%s', (path, expected) => {
    expect(render('"<v>"', detail, { v: path })).toBe(`"${expected}"`);
  });

  it.each([
    ['an index out of range', '$.detail.list[5]'],
    ['an index on an object', '$.detail[0]'],
    ['a name on an array', '$.detail.list.id'],
    ['a name on a string', '$.detail.instance-id.x'],
    ['a name through null', '$.detail.nothing.x'],
    ['a dotted key in dot notation', '$.detail.dotted.key'],
  ])('treats %s as missing', (_what, path) => {
    expect(render('{"v": <v>}', detail, { v: path })).toBe('{"v": ""}');
  });

  it('reads the whole event with $', () => {
    const payload = render('{"e": <v>}', { a: 1 }, { v: '$' });
    expect(JSON.parse(payload)).toEqual({ e: eventWith({ a: 1 }) });
  });
});

describe('reserved variables', () => {
  const context = {
    ruleName: 'infrawatch-sg',
    ruleArn: 'arn:aws:events:eu-west-1:123456789012:rule/infrawatch-sg',
    ingestionTime: '2024-05-01T10:00:01Z',
  };

  it('fills the rule and ingestion variables in strings and JSON values', () => {
    const transformer = {
      inputTemplate:
        '{"r": <aws.events.rule-name>, "s": "<aws.events.rule-arn> at <aws.events.event.ingestion-time>"}',
    };
    expect(applyInputTransformer(transformer, eventWith({}), context)).toBe(
      '{"r": "infrawatch-sg", "s": "arn:aws:events:eu-west-1:123456789012:rule/infrawatch-sg at 2024-05-01T10:00:01Z"}',
    );
  });

  it('gives the envelope without detail, detailType camel-cased, in the order AWS delivers it', () => {
    const event = { ...eventWith({ a: 1 }), 'replay-name': 'r1' };
    const payload = applyInputTransformer({ inputTemplate: '{"e": <aws.events.event>}' }, event);
    expect(payload).toBe(
      '{"e": {"id":"11111111-2222-3333-4444-555555555555","account":"123456789012","detailType":"AWS API Call via CloudTrail","time":"2024-05-01T10:00:00Z","source":"aws.ec2","region":"eu-west-1","resources":[],"version":"0","replay-name":"r1"}}',
    );
  });

  it('gives the full event for <aws.events.event.json>', () => {
    const event = eventWith({ a: [1] });
    const payload = applyInputTransformer({ inputTemplate: '{"e": <aws.events.event.json>}' }, event);
    expect(payload).toBe(`{"e": ${JSON.stringify(event)}}`);
  });

  it('refuses to guess a rule variable the context does not give', () => {
    const act = () => applyInputTransformer({ inputTemplate: '"<aws.events.rule-arn>"' }, eventWith({}), {});
    expect(act).toThrow(MissingTransformerContextError);
    expect(act).toThrow(
      'The template uses <aws.events.rule-arn>, but no context.ruleArn was given to fill it.',
    );
  });
});

describe('applyInputTransformer input checks', () => {
  it('throws InvalidInputTransformerError, with who refused it, for an invalid transformer', () => {
    const act = () => applyInputTransformer({ inputTemplate: '"<nope>"' }, eventWith({}));
    expect(act).toThrow(InvalidInputTransformerError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'InvalidInputTransformer',
        rejectedBy: 'eventbridge',
        message: 'InputTemplate for target Target0 contains invalid placeholder nope.',
      });
    }
  });

  it.each([
    ['a string', 'event'],
    ['an array', []],
    ['null', null],
  ])('rejects %s as the event', (_what, event) => {
    expect(() => applyInputTransformer({ inputTemplate: '"x"' }, event)).toThrow(InvalidEventError);
  });

  it('rejects values JSON cannot carry', () => {
    const act = () => render('{"v": <v>}', { v: { n: Number.NaN } });
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow('The event holds a non-finite number at <v>.n.');
  });
});

describe('validateInputTransformer', () => {
  it('names the first undefined placeholder, for the default target id', () => {
    expect(DEFAULT_TARGET_ID).toBe('Target0');
    expect(rejection({ inputPathsMap: { a: '$.a' }, inputTemplate: '"<a> <b> <c>"' })).toEqual({
      valid: false,
      rejectedBy: 'eventbridge',
      message: 'InputTemplate for target Target0 contains invalid placeholder b.',
    });
  });

  it('uses the given target id', () => {
    expect(rejection({ inputTemplate: '"<x>"' }, 'AlertsQueue').message).toBe(
      'InputTemplate for target AlertsQueue contains invalid placeholder x.',
    );
  });

  it('treats any text in angle brackets as a placeholder (they cannot be escaped)', () => {
    expect(rejection({ inputTemplate: '"<https://example.com|console>"' }).message).toBe(
      'InputTemplate for target Target0 contains invalid placeholder https://example.com|console.',
    );
  });

  it('rejects a target that also has Input or InputPath', () => {
    const transformer = { inputTemplate: '"x"' };
    const message = 'Only one of Input, InputPath, or InputTransformer must be provided for target T.';
    expect(validateInputTransformer(transformer, { targetId: 'T', input: '{}' })).toMatchObject({ message });
    expect(validateInputTransformer(transformer, { targetId: 'T', inputPath: '$.detail' })).toMatchObject({
      message,
    });
  });

  it('limits the template to 1..8192 characters', () => {
    expect(validateInputTransformer({ inputTemplate: `"${'x'.repeat(8190)}"` })).toEqual({ valid: true });
    const tooLong = `"${'x'.repeat(8191)}"`;
    expect(rejection({ inputTemplate: tooLong })).toEqual({
      valid: false,
      rejectedBy: 'eventbridge',
      message: `1 validation error detected: Value '${tooLong}' at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192`,
    });
    expect(rejection({ inputTemplate: '' }).message).toContain(
      'Member must have length greater than or equal to 1',
    );
  });

  it('limits InputPathsMap to 100 entries', () => {
    const map = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `$.detail.f${i}`]));
    expect(validateInputTransformer({ inputPathsMap: map(100), inputTemplate: '"x"' })).toEqual({
      valid: true,
    });
    const result = rejection({ inputPathsMap: map(101), inputTemplate: '"x"' });
    expect(result.rejectedBy).toBe('eventbridge');
    expect(result.message).toMatch(/^1 validation error detected: Value '\{k0=\$\.detail\.f0, k1=.*'/);
    expect(result.message).toMatch(/at 'targets\.1\.member\.inputTransformer\.inputPathsMap'/);
    expect(result.message).toMatch(/Member must have length less than or equal to 100$/);
  });

  it.each([
    ['a key starting with AWS.', 'AWS.user'],
    ['a reserved variable name', 'aws.events.rule-name'],
    ['a key with a space', 'user name'],
    ['an empty key', ''],
    ['a key over 256 characters', 'k'.repeat(257)],
  ])('rejects %s', (_what, key) => {
    const result = rejection({ inputPathsMap: { [key]: '$.detail.x' }, inputTemplate: '"x"' });
    expect(result.rejectedBy).toBe('eventbridge');
    expect(result.message).toContain(
      'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]',
    );
  });

  it('accepts keys of letters, digits, dashes and underscores up to 256 characters', () => {
    const inputPathsMap = { 'detail-type': '$.detail-type', User_2: '$.a', ['k'.repeat(256)]: '$.b' };
    expect(validateInputTransformer({ inputPathsMap, inputTemplate: '"<detail-type> <User_2>"' })).toEqual({
      valid: true,
    });
  });

  it('limits a path to 256 characters', () => {
    const path256 = `$.${'a'.repeat(254)}`;
    expect(validateInputTransformer({ inputPathsMap: { p: path256 }, inputTemplate: '"x"' })).toEqual({
      valid: true,
    });
    expect(rejection({ inputPathsMap: { p: `${path256}b` }, inputTemplate: '"x"' }).message).toContain(
      'Map values must satisfy constraint: [Member must have length less than or equal to 256',
    );
  });

  const wildcard =
    'EventBridge documents wildcards but not what it delivers for them, so InfraWatch does not model them';
  const undocumented =
    'EventBridge does not document this JSONPath form for input transformers, so InfraWatch does not model it';
  it.each([
    ['$.detail.items[*].id', `uses a wildcard ([*]); ${wildcard}`],
    ['$.detail.*', `uses a wildcard (.*); ${wildcard}`],
    ['$..instanceId', `uses recursive descent (..); ${undocumented}`],
    ['$.detail.items[?(@.id)]', `uses a filter ([?()]); ${undocumented}`],
    ['$.detail.items[0:2]', `uses an array slice ([a:b]); ${undocumented}`],
    ['$.detail.items[0,1]', `selects several indexes at once; ${undocumented}`],
    ["$['a','b']", `selects several names at once; ${undocumented}`],
    ['$.detail.items[-1]', `uses a negative index; ${undocumented}`],
  ])('refuses to model %s', (path, problem) => {
    expect(rejection({ inputPathsMap: { p: path }, inputTemplate: '"<p>"' })).toEqual({
      valid: false,
      rejectedBy: 'infrawatch',
      message: `InputPathsMap value for p (${path}) ${problem}.`,
    });
  });

  it.each([
    ['detail.x', 'does not start with $'],
    ['$.detail.', 'ends with a dot'],
    ['$.detail[x]', 'has an invalid index [x]'],
    ['$.detail[0', 'has an unclosed [ at 8'],
    ["$['detail", 'has an unterminated quoted name at 1'],
    ['$ .detail', "has an unexpected character ' ' at 1"],
  ])('rejects the malformed path %s', (path, problem) => {
    expect(rejection({ inputPathsMap: { p: path }, inputTemplate: '"<p>"' }).message).toBe(
      `InputPathsMap value for p (${path}) ${problem}.`,
    );
  });

  it('reports an undefined placeholder before a path problem, as PutTargets would', () => {
    expect(rejection({ inputPathsMap: { p: '$.a[*]' }, inputTemplate: '"<q>"' }).rejectedBy).toBe(
      'eventbridge',
    );
  });

  // The EventBridge API reference (InputTransformer, InputTemplate) gives exactly this template as its first
  // example, and `"<instance> is in state \"<status>\""`-style quotes as literal text: a template that is neither a
  // string template nor JSON is text, its placeholders filled raw, as in a string template.
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
  it('delivers a plain-text template without quotes as text, as the API reference shows it', () => {
    const transformer = {
      inputPathsMap: { instance: '$.detail.instance', status: '$.detail.status', tags: '$.detail.tags' },
      inputTemplate: '<instance> is in state <status>',
    };
    expect(validateInputTransformer(transformer)).toEqual({ valid: true });
    expect(applyInputTransformer(transformer, eventWith({ instance: 'i-0123', status: 'RUNNING' }))).toBe(
      'i-0123 is in state RUNNING',
    );
    expect(
      applyInputTransformer(
        { ...transformer, inputTemplate: '<instance> is in state "<status>" <tags>' },
        eventWith({ instance: 'i-0123', status: 'RUNNING', tags: { team: 'ops' } }),
      ),
    ).toBe('i-0123 is in state "RUNNING" {team:ops}');
    expect(render('state: <v>', { v: 5 })).toBe('state: 5');
  });

  it('keeps templates that are JSON once filled as JSON, and refuses the event variables in text', () => {
    expect(render('<v>', { v: 'x' })).toBe('"x"');
    expect(render('  <v>', { v: 3 })).toBe('  3');
    expect(rejection({ inputTemplate: 'event: <aws.events.event>' }).message).toMatch(
      /^<aws\.events\.event> is only meant as an unquoted JSON value/,
    );
  });

  it('refuses a JSON template that can never be valid JSON', () => {
    const result = rejection({ inputPathsMap: { i: '$.a' }, inputTemplate: '{"a": <i>,}' });
    expect(result.rejectedBy).toBe('infrawatch');
    expect(result.message).toContain('so EventBridge would never deliver it');
  });

  it('refuses a placeholder used as an object key', () => {
    expect(rejection({ inputPathsMap: { i: '$.a', k: '$.b' }, inputTemplate: '{"a": <i>, <k>: 1}' })).toEqual(
      {
        valid: false,
        rejectedBy: 'infrawatch',
        message: 'InputTemplate uses <k> as an object key; EventBridge only allows placeholders as values.',
      },
    );
  });

  it('refuses the event variables anywhere but as an unquoted JSON value', () => {
    expect(rejection({ inputTemplate: '"event: <aws.events.event>"' }).message).toMatch(
      /^<aws\.events\.event> is only meant as an unquoted JSON value/,
    );
    expect(rejection({ inputTemplate: '{"e": "<aws.events.event.json>"}' }).message).toMatch(
      /^<aws\.events\.event\.json> sits inside a quoted string: .* nothing would be delivered/,
    );
  });

  it('accepts unused InputPathsMap entries and templates without placeholders', () => {
    expect(
      validateInputTransformer({ inputPathsMap: { a: '$.a' }, inputTemplate: '{"static": true}' }),
    ).toEqual({
      valid: true,
    });
  });
});

describe('unquoteStringPayload', () => {
  it.each([
    ['a plain string payload', '"instance i-1 is in RUNNING"', 'instance i-1 is in RUNNING'],
    [
      'escaped quotes from the template',
      '"instance \\"i-1\\" is in RUNNING"',
      'instance "i-1" is in RUNNING',
    ],
    ['JSON escapes', '"a\\nb\\t\\u00e9\\\\"', 'a\nb\té\\'],
    ['a raw (unescaped) quote from a value', '"user a"b did it"', 'user a"b did it'],
    ['a backslash that is not a JSON escape', '"path C:\\qux"', 'path C:\\qux'],
    ['an empty string', '""', ''],
    ['a trailing newline (YAML block template)', '"x"\n', 'x'],
    ['a raw newline inside the string', '"line one\nline two"', 'line one\nline two'],
    ['several quoted lines', '"a"\n  "b"\n', 'a\nb'],
  ])('unquotes %s', (_what, payload, expected) => {
    expect(unquoteStringPayload(payload)).toBe(expected);
  });

  it.each([
    ['a JSON object', '{"a": "b"}'],
    ['plain text', 'hello'],
    ['a lone quote', '"'],
    ['text after the closing quote', '"a" b'],
    ['an empty payload', ''],
  ])('leaves %s unchanged', (_what, payload) => {
    expect(unquoteStringPayload(payload)).toBe(payload);
  });
});
