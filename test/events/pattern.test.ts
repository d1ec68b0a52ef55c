import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compilePattern,
  InvalidEventError,
  InvalidPatternError,
  matchesPattern,
  parseEventText,
  validatePattern,
} from '../../src/events/pattern';

const cloudtrail = join(__dirname, '..', 'fixtures', 'cloudtrail');
const fixtureText = (file: string): string => readFileSync(join(cloudtrail, file), 'utf8');
const fixtureEvent = (file: string): Record<string, unknown> =>
  structuredClone(JSON.parse(fixtureText(file)));

const reason = (text: string): string => `Event pattern is not valid. Reason: ${text}`;
const matches = (pattern: object | string, event: unknown): boolean => compilePattern(pattern).matches(event);

describe('compilePattern: compile once, match many', () => {
  it('reuses one compiled pattern across events without carrying state between them', () => {
    // Prepare
    const compiled = compilePattern({
      source: ['aws.ec2'],
      detail: {
        eventName: ['AuthorizeSecurityGroupIngress'],
        requestParameters: { groupId: [{ prefix: 'sg-' }] },
      },
    });
    const ingress = fixtureEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    const stop = fixtureEvent('ec2.StopInstances.json');

    // Act
    const results = [compiled.matches(ingress), compiled.matches(stop), compiled.matches(ingress)];

    // Assess
    expect(results).toEqual([true, false, true]);
  });

  it('is not affected by later changes to the pattern object, and does not modify it', () => {
    // Prepare
    const pattern = { detail: { eventName: ['StopInstances'] } };
    const before = structuredClone(pattern);
    const compiled = compilePattern(pattern);

    // Act
    pattern.detail.eventName = ['StartInstances'];

    // Assess
    expect(compiled.matches(fixtureEvent('ec2.StopInstances.json'))).toBe(true);
    expect(compiled.matches(fixtureEvent('ec2.StartInstances.json'))).toBe(false);
    expect(before).toEqual({ detail: { eventName: ['StopInstances'] } });
  });

  it('does not modify the event', () => {
    const event = fixtureEvent('ec2.AuthorizeSecurityGroupIngress.ipv6-open-world.json');
    const copy = structuredClone(event);
    matches(
      {
        detail: {
          requestParameters: { ipPermissions: { items: { ipv6Ranges: { items: { cidrIpv6: ['::/0'] } } } } },
        },
      },
      event,
    );
    expect(event).toEqual(copy);
  });

  it('matchesPattern is the one-shot form of compilePattern().matches()', () => {
    const event = fixtureEvent('iam.CreateUser.json');
    expect(matchesPattern({ source: ['aws.iam'] }, event)).toBe(true);
    expect(matchesPattern('{"source":["aws.s3"]}', event)).toBe(false);
  });
});

describe('exact values', () => {
  it('matches strings exactly: case, whitespace and Unicode form all count', () => {
    expect(matches({ s: ['Running'] }, { s: 'Running' })).toBe(true);
    expect(matches({ s: ['Running'] }, { s: 'running' })).toBe(false);
    expect(matches({ s: ['a'] }, { s: 'a ' })).toBe(false);
    expect(matches({ s: ['\u00e9'] }, { s: 'e\u0301' })).toBe(false);
  });

  it('matches the empty string, null and booleans only by themselves', () => {
    expect(matches({ s: [''] }, { s: '' })).toBe(true);
    expect(matches({ s: [''] }, { s: null })).toBe(false);
    expect(matches({ s: [null] }, { s: null })).toBe(true);
    expect(matches({ s: [null] }, { s: 'null' })).toBe(false);
    expect(matches({ s: [null] }, {})).toBe(false);
    expect(matches({ b: [false] }, { b: false })).toBe(true);
    expect(matches({ b: [false] }, { b: 'false' })).toBe(false);
    expect(matches({ b: [true] }, { b: 1 })).toBe(false);
  });

  it('compares numbers numerically, never against strings', () => {
    expect(matches('{"n":[300]}', '{"n":3.0e2}')).toBe(true);
    expect(matches('{"n":[3e2]}', '{"n":300.000}')).toBe(true);
    expect(matches('{"n":[0]}', '{"n":-0.0}')).toBe(true);
    expect(matches({ n: [0.3] }, { n: 0.1 + 0.2 })).toBe(false);
    expect(matches({ n: [300] }, { n: '300' })).toBe(false);
    expect(matches({ n: ['300'] }, { n: 300 })).toBe(false);
    expect(matches({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
  });

  it('matches a number literal a double cannot hold by its exact text only', () => {
    expect(validatePattern('{"n":[1e400]}')).toEqual({ valid: true });
    expect(matches('{"n":[1e400]}', '{"n":1e400}')).toBe(true);
    expect(matches('{"n":[1e400]}', '{"n":1E400}')).toBe(false);
    expect(matches('{"n":[0.1]}', '{"n":0.1000000000000000000001}')).toBe(false);
  });

  it('treats the values of one field as alternatives and different fields as all required', () => {
    const pattern = { source: ['aws.ec2', 'aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'] };
    expect(matches(pattern, fixtureEvent('ec2.CreateVpc.json'))).toBe(true);
    expect(matches(pattern, fixtureEvent('s3.PutBucketAcl.json'))).toBe(true);
    expect(matches(pattern, fixtureEvent('iam.CreateRole.json'))).toBe(false);
  });

  it('keeps `*` literal outside the wildcard operator', () => {
    expect(matches({ s: ['*'] }, { s: '*' })).toBe(true);
    expect(matches({ s: ['*'] }, { s: 'x' })).toBe(false);
    expect(matches({ s: [{ exactly: '10.0.0.1' }] }, { s: '10.0.0.01' })).toBe(false);
  });
});

describe('prefix, suffix and equals-ignore-case', () => {
  it('prefix and suffix are case-sensitive string tests; empty operands match every string', () => {
    expect(matches({ s: [{ prefix: 'arn:aws:iam::' }] }, { s: 'arn:aws:iam::123456789012:user/x' })).toBe(
      true,
    );
    expect(matches({ s: [{ prefix: 'ARN' }] }, { s: 'arn:aws' })).toBe(false);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.PNG' })).toBe(false);
    expect(matches({ s: [{ prefix: '' }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ suffix: '' }] }, { s: 42 })).toBe(false);
  });

  it('equals-ignore-case compares the whole value with per-character case mapping, not full folding', () => {
    expect(matches({ s: [{ 'equals-ignore-case': 'AssumeRole' }] }, { s: 'ASSUMEROLE' })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': 'AssumeRole' }] }, { s: 'AssumeRoles' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': 'straße' }] }, { s: 'STRASSE' })).toBe(true);
    expect(matches({ s: [{ 'equals-ignore-case': 'STRASSE' }] }, { s: 'straße' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': 'ΣΊΣΥΦΟΣ' }] }, { s: 'σίσυφος' })).toBe(false);
    // event-ruler maps one UTF-16 unit at a time (EqualsIgnoreCaseParser.parse), so each half of 🚀 is '?'.
    expect(matches({ s: [{ 'equals-ignore-case': 'rocket 🚀' }] }, { s: 'ROCKET 🚀' })).toBe(false);
    expect(matches({ s: [{ 'equals-ignore-case': 'rocket 🚀' }] }, { s: 'ROCKET ??' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': '🚀' } }] }, { s: '🚀' })).toBe(true);
    // An unpaired surrogate in the event is '?' as well (String.getBytes(UTF_8)).
    expect(matches({ s: [{ 'equals-ignore-case': 'A🚀' }] }, '{"s":"a\\ud83d?"}')).toBe(true);
  });

  it('prefix and suffix accept an equals-ignore-case operand', () => {
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'AWS.EC' } }] }, { s: 'aws.ec2' })).toBe(true);
    expect(matches({ s: [{ prefix: { 'equals-ignore-case': 'EC2' } }] }, { s: 'aws.ec2' })).toBe(false);
    expect(matches({ s: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { s: 'photo.png' })).toBe(true);
    expect(matches({ s: [{ suffix: { 'equals-ignore-case': 'SS' } }] }, { s: 'Straß' })).toBe(false);
    expect(matches({ s: [{ suffix: { 'equals-ignore-case': 'ß' } }] }, { s: 'STRASS' })).toBe(true);
  });
});

describe('anything-but', () => {
  it('excludes single values and lists of strings or numbers', () => {
    expect(matches({ s: [{ 'anything-but': 'stopped' }] }, { s: 'running' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'stopped' }] }, { s: 'stopped' })).toBe(false);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: 200 })).toBe(false);
    expect(matches('{"n":[{"anything-but":[100,200]}]}', '{"n":2.0e2}')).toBe(false);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: '200' })).toBe(true);
  });

  it('matches null and values of another type, but never a missing field or an empty array', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: null })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { prefix: 'x' } }] }, { s: 12 })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: [] })).toBe(false);
  });

  it('matches an event array when any element is not excluded', () => {
    expect(matches({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] })).toBe(true);
    expect(matches({ s: [{ 'anything-but': ['a', 'b'] }] }, { s: ['a', 'b'] })).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard operands (single or list)', () => {
    expect(matches({ s: [{ 'anything-but': { prefix: ['init', 'pend'] } }] }, { s: 'pending' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { suffix: '.txt' } }] }, { s: 'a.txt.bak' })).toBe(true);
    expect(
      matches({ s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped'] } }] }, { s: 'STOPPED' }),
    ).toBe(false);
    expect(matches({ s: [{ 'anything-but': { wildcard: '*/bin/*' } }] }, { s: '/usr/bin/ls' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { wildcard: '*/bin/*' } }] }, { s: '/usr/lib/x' })).toBe(true);
  });

  it('never matches with an empty operand list (accepted by validation, but event-ruler adds no transition)', () => {
    expect(validatePattern({ s: [{ 'anything-but': { prefix: [] } }] })).toEqual({ valid: true });
    expect(matches({ s: [{ 'anything-but': { prefix: [] } }] }, { s: 'x' })).toBe(false);
  });
});

describe('numeric', () => {
  it('applies open and closed bounds', () => {
    const pattern = { n: [{ numeric: ['>', 0, '<=', 5] }] };
    expect([0, 0.001, 5, 5.000001].map((n) => matches(pattern, { n }))).toEqual([false, true, true, false]);
    expect(matches({ n: [{ numeric: ['>=', 10, '<', 20] }] }, { n: 10 })).toBe(true);
    expect(matches({ n: [{ numeric: ['<', 0] }] }, { n: -1500 })).toBe(true);
  });

  it('supports "=" and compares numerically', () => {
    expect(matches({ n: [{ numeric: ['=', 301.8] }] }, { n: 301.8 })).toBe(true);
    expect(matches('{"n":[{"numeric":["=",3.018e2]}]}', '{"n":301.80}')).toBe(true);
    expect(matches({ n: [{ numeric: ['=', 1] }] }, { n: true })).toBe(false);
  });

  it('only matches JSON numbers', () => {
    expect(matches({ n: [{ numeric: ['>', 0] }] }, { n: '5' })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0] }] }, { n: null })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 100] }] }, { n: [1, 50, 101] })).toBe(true);
  });

  it('does not compare an event number a double cannot hold', () => {
    expect(matches({ n: [{ numeric: ['>', 0] }] }, '{"n":1e400}')).toBe(false);
    expect(matches({ n: [{ 'anything-but': 5 }] }, '{"n":1e400}')).toBe(true);
  });

  it('compares a subnormal number only in the spelling Double.toString gives it (JDK 19+ Javadoc)', () => {
    // Java prints at least two digits and, when one would do, the closest two-digit decimal: MIN_VALUE is
    // 4.9E-324 and 2 * MIN_VALUE 9.9E-324 (JDK 17 printed 1.0E-323 for the latter; the specified form is used).
    expect(validatePattern('{"n":[{"numeric":["=",5e-324]}]}')).toEqual({
      valid: false,
      message: reason('Cannot compare number : 5e-324'),
    });
    expect(validatePattern('{"n":[{"numeric":["=",1e-323]}]}')).toEqual({
      valid: false,
      message: reason('Cannot compare number : 1e-323'),
    });
    expect(matches('{"n":[{"numeric":["=",9.9e-324]}]}', '{"n":9.9E-324}')).toBe(true);
    expect(matches('{"n":[{"numeric":["<",1e-300]}]}', '{"n":5e-324}')).toBe(false);
    expect(matches('{"n":[{"numeric":["<",1e-300]}]}', '{"n":4.9e-324}')).toBe(true);
    // A parsed event is judged by the JSON an SDK would send for it: JSON.stringify(5e-324) is "5e-324".
    expect(matches('{"n":[{"numeric":["<",1e-300]}]}', { n: 5e-324 })).toBe(false);
    expect(matches('{"n":[5e-324]}', { n: 5e-324 })).toBe(true);
    expect(matches('{"n":[{"numeric":["<",1e-300]}]}', { n: 1.5e-323 })).toBe(true);
  });
});

describe('exists', () => {
  it('treats null and empty strings as present, empty arrays and objects as absent', () => {
    expect(matches({ s: [{ exists: true }] }, { s: null })).toBe(true);
    expect(matches({ s: [{ exists: true }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ exists: true }] }, { s: [] })).toBe(false);
    expect(matches({ s: [{ exists: false }] }, { s: [] })).toBe(true);
    expect(matches({ s: [{ exists: false }] }, { s: {} })).toBe(true);
    expect(matches({ s: [{ exists: true }] }, { s: { t: 1 } })).toBe(false);
  });

  it('finds an error code (or its absence) in real CloudTrail records', () => {
    const pattern = { detail: { errorCode: [{ exists: false }] } };
    expect(matches(pattern, fixtureEvent('iam.CreateUser.json'))).toBe(true);
    expect(matches(pattern, fixtureEvent('iam.CreateUser.error.json'))).toBe(false);
  });

  it('combines with other alternatives of the same field', () => {
    const pattern = { s: [{ 'anything-but': ['roses'] }, { exists: false }] };
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { s: 'tulips' })).toBe(true);
    expect(matches(pattern, { s: 'roses' })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches runs of any characters, anchored at both ends', () => {
    const pattern = { s: [{ wildcard: 'arn:aws:iam::*:role/Admin*' }] };
    expect(matches(pattern, { s: 'arn:aws:iam::123456789012:role/AdminAccess' })).toBe(true);
    expect(matches(pattern, { s: 'arn:aws:iam::123456789012:role/ReadOnly' })).toBe(false);
    expect(matches({ s: [{ wildcard: '*' }] }, { s: '' })).toBe(true);
    expect(matches({ s: [{ wildcard: '' }] }, { s: 'x' })).toBe(false);
    expect(matches({ s: [{ wildcard: '12*4*' }] }, { s: '1235' })).toBe(false);
    expect(matches({ s: [{ wildcard: 'a*b*a' }] }, { s: 'abba' })).toBe(true);
  });

  it('treats \\* as a literal star and \\\\ as a literal backslash', () => {
    expect(matches('{"s":[{"wildcard":"a\\\\*c"}]}', '{"s":"a*c"}')).toBe(true);
    expect(matches('{"s":[{"wildcard":"a\\\\*c"}]}', '{"s":"abc"}')).toBe(false);
    expect(matches({ s: [{ wildcard: 'C:\\\\*' }] }, { s: 'C:\\temp' })).toBe(true);
  });

  it('reports invalid operands at event-ruler byte positions', () => {
    expect(validatePattern({ s: [{ wildcard: 'a**' }] })).toEqual({
      valid: false,
      message: reason('Consecutive wildcard characters at pos 2'),
    });
    expect(validatePattern({ s: [{ wildcard: 'é\\x' }] })).toEqual({
      valid: false,
      message: reason('Invalid escape character at pos 3'),
    });
  });

  it('rejects rules the service considers too complex', () => {
    const message = reason(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
    const key = (...wildcards: string[]): object => ({
      detail: { object: { key: wildcards.map((w) => ({ wildcard: w })) } },
    });
    // Service decisions: AWS-verified (LocalStack snapshot) and reported by users of a public Terraform repository.
    expect(validatePattern({ s: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toEqual({
      valid: false,
      message,
    });
    expect(
      validatePattern(key('*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.tiff', '*/datasync/*.svs')),
    ).toEqual({
      valid: false,
      message,
    });
    expect(validatePattern(key('*/datasync/*.bif', '*/datasync/*.tif'))).toEqual({ valid: true });
    expect(validatePattern(key('*.bif', '*.tiff', '*.tif', '*.svs'))).toEqual({ valid: true });
  });

  it('rates a wildcard repeated by $or combinations as event-ruler builds it: once per addition to a machine', () => {
    const message = reason(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
    const twoOrKeys = (wildcard: string): object => {
      const or = { $or: [{ a: [{ wildcard }] }, { b: [{ wildcard }] }] };
      return { detail: or, resources: structuredClone(or) };
    };
    const branches = (wildcard: string, count: number): object => ({
      $or: Array.from({ length: count }, (_, i) => ({ arn: [{ wildcard }], [`k${i}`]: ['x'] })),
    });
    // event-ruler's MachineComplexityEvaluator: 7 alone, 13 with two $or keys (issue 12).
    expect(validatePattern({ a: [{ wildcard: '*a*a*a*' }] })).toEqual({ valid: true });
    expect(validatePattern(twoOrKeys('*a*a*a*'))).toEqual({ valid: false, message });
    // 9 alone, 10 and 11 when two or three branches add it to the same machine.
    expect(validatePattern(branches('*:*:*:*:event-bus/*', 2))).toEqual({ valid: true });
    expect(validatePattern(branches('*:*:*:*:event-bus/*', 3))).toEqual({ valid: false, message });
    // Without a cased letter after a star, a repeated addition reuses every state.
    expect(validatePattern(branches('*:*:*:*/*', 6))).toEqual({ valid: true });
  });
});

describe('cidr and IP literals', () => {
  it('matches IPv4 and IPv6 blocks, ignoring host bits and textual form', () => {
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.200' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:DB8:0:0:0:0:0:1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' })).toBe(false);
  });

  it('never matches host names (CloudTrail sourceIPAddress can be a service name)', () => {
    const pattern = { detail: { sourceIPAddress: [{ cidr: '0.0.0.0/0' }] } };
    expect(matches(pattern, fixtureEvent('sts.AssumeRole.awsservice.json'))).toBe(false);
    // Anonymised with leading zeros (075.050.255.67): still an IPv4 address to event-ruler.
    expect(matches(pattern, fixtureEvent('iam.CreateUser.json'))).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.0.0.256' })).toBe(false);
  });

  it('matches a number by its digits read as hex digits, unless the field also has a numeric operand', () => {
    // event-ruler walks a number's unquoted text through the range's hex-digit trie (ByteMachine.transitionOn).
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: 1 })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 167772161 })).toBe(false);
    expect(matches({ ip: [{ cidr: '16.0.0.0/5' }] }, { ip: 15 })).toBe(true);
    expect(matches({ ip: [{ cidr: '16.0.0.0/5' }] }, '{"ip":10e5}')).toBe(false);
    expect(matches({ ip: [{ cidr: '30.16.0.0/12' }] }, '{"ip":1E15}')).toBe(true);
    expect(matches({ ip: [{ cidr: '30.16.0.0/12' }] }, { ip: 1e15 })).toBe(false);
    // A numeric operand in the same byte machine makes event-ruler compare numbers by value only.
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }, 7] }, { ip: 1 })).toBe(false);
    expect(matches({ $or: [{ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: [5] }] }, { ip: 1 })).toBe(false);
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }, { numeric: ['>', 100] }] }, '{"ip":1E400}')).toBe(true);
  });

  it('compiles IP-address strings in exact arrays to one-address ranges', () => {
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000::0001' })).toBe(true);
    expect(matches({ ip: ['192.0.2.255'] }, { ip: '192.0.2.255' })).toBe(true);
    expect(matches({ ip: ['192.0.2.255'] }, { ip: '192.0.2.254' })).toBe(false);
    expect(matches({ ip: ['192.0.2.9'] }, { ip: '192.0.2.10' })).toBe(false);
  });

  it('rejects /32 and /128 (use the plain address instead) with event-ruler messages', () => {
    expect(validatePattern({ ip: [{ cidr: '192.0.2.1/32' }] })).toEqual({
      valid: false,
      message: reason('IPv4 mask bits must be < 32'),
    });
    expect(validatePattern({ ip: [{ cidr: '300.1.1.1/8' }] })).toEqual({
      valid: false,
      message: reason('Invalid IP address: 300.1.1.1'),
    });
    expect(validatePattern({ ip: [{ cidr: 'host/8' }] })).toEqual({
      valid: false,
      message: reason('Nonstandard IP address: host'),
    });
  });
});

describe('$or', () => {
  it('ANDs the fields outside with one branch; branches can nest', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    };
    expect(matches(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1000 })).toBe(true);
    expect(matches(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2' })).toBe(false);
    expect(matches(pattern, { source: 'aws.ec2', metricName: 'CPUUtilization' })).toBe(false);
  });

  it('lets a branch replace an outer field of the same path (event-ruler expansion)', () => {
    const pattern = '{"a":["1"],"$or":[{"a":["2"]},{"b":["3"]}]}';
    expect(matches(pattern, { a: '2' })).toBe(true);
    expect(matches(pattern, { a: '1' })).toBe(false);
    expect(matches(pattern, { a: '1', b: '3' })).toBe(true);
  });

  it('reserves operator names inside branches', () => {
    expect(validatePattern({ $or: [{ prefix: ['a'] }, { b: ['c'] }] })).toEqual({
      valid: false,
      message: reason('prefix is Ruler reserved fieldName which cannot be used inside $or.'),
    });
  });
});

describe('arrays and arrays of objects', () => {
  it('matches when any element of an event array matches; nested scalar arrays are flattened', () => {
    expect(matches({ s: ['x'] }, { s: [['a'], ['b', ['x']]] })).toBe(true);
    expect(matches({ s: ['x'] }, { s: [] })).toBe(false);
    expect(matches({ s: [5] }, { s: ['5', 5, true] })).toBe(true);
  });

  it('requires fields under one array of objects to come from the same element', () => {
    const pattern = { d: { name: ['alice'], status: ['active'] } };
    expect(matches(pattern, { d: [{ name: 'alice', status: 'active' }] })).toBe(true);
    expect(matches(pattern, { d: [{ name: 'alice' }, { status: 'active' }] })).toBe(false);
    expect(
      matches({ x: { a: ['1'] }, y: { b: ['2'] } }, { x: [{ a: '1' }], y: [{ b: '0' }, { b: '2' }] }),
    ).toBe(true);
  });

  it('finds an SSH rule open to the world in the same ipPermissions item (real CloudTrail record)', () => {
    // Prepare
    const pattern = {
      detail: {
        eventName: ['AuthorizeSecurityGroupIngress'],
        requestParameters: {
          ipPermissions: {
            items: {
              fromPort: [{ numeric: ['<=', 22] }],
              toPort: [{ numeric: ['>=', 22] }],
              ipRanges: { items: { cidrIp: ['0.0.0.0/0'] } },
            },
          },
        },
      },
    };
    const open = fixtureEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    const split = fixtureEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json');
    const items = (
      split.detail as { requestParameters: { ipPermissions: { items: Record<string, unknown>[] } } }
    ).requestParameters.ipPermissions.items;
    // SSH from a private range in one item, HTTPS from the world in another: no single item is open SSH.
    items.push({ ...structuredClone(items[0]), fromPort: 443, toPort: 443 });
    (items[0] as { ipRanges: unknown }).ipRanges = { items: [{ cidrIp: '10.0.0.0/8' }] };

    // Act + Assess
    expect(matches(pattern, open)).toBe(true);
    expect(matches(pattern, split)).toBe(false);
  });

  it('judges exists:false against the element bound by fields sorted before it', () => {
    expect(
      matches(
        { e: { firstName: ['Anna'], ids: [{ exists: false }] } },
        { e: [{ firstName: 'John', ids: [1] }, { firstName: 'Anna' }] },
      ),
    ).toBe(true);
    expect(matches({ d: { k: ['v'], id: [{ exists: false }] } }, { d: [{ k: 'v' }, { id: 'x' }] })).toBe(
      false,
    );
  });
});

describe('paths', () => {
  it('treats dotted keys and nesting as the same path, in the pattern and in the event', () => {
    expect(matches({ 'detail.state': ['running'] }, { detail: { state: 'running' } })).toBe(true);
    expect(matches({ detail: { state: ['running'] } }, { 'detail.state': 'running' })).toBe(true);
    expect(matches({ detail: { 'a.b': { c: ['x'] } } }, { detail: { a: { 'b.c': 'x' } } })).toBe(true);
  });

  it('does not treat inherited object members as event fields', () => {
    expect(matches({ constructor: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ toString: [{ exists: true }] }, {})).toBe(false);
    expect(matches('{"__proto__":["x"]}', '{"__proto__":"x"}')).toBe(true);
    expect(matches('{"__proto__":["x"]}', '{}')).toBe(false);
  });

  it('does not look into JSON documents stored in strings', () => {
    expect(matches({ detail: { k: ['v'] } }, { detail: '{"k":"v"}' })).toBe(false);
  });
});

describe('raw JSON text', () => {
  it('reads escapes, surrogate pairs and repeated pattern keys (last one wins)', () => {
    expect(matches('{"s":["caf\\u00e9 \\ud83d\\ude80"]}', '{"s":"café 🚀"}')).toBe(true);
    expect(matches('{"x":["y"],"x":["z"]}', { x: 'y' })).toBe(false);
    expect(matches('{"x":["y"],"x":["z"]}', { x: 'z' })).toBe(true);
    expect(matches('{"a":{"b":["1"]},"a":{"c":["2"]}}', { a: { b: '1', c: '2' } })).toBe(true);
    expect(matches('{"a":{"b":["1"]},"a":{"c":["2"]}}', { a: { c: '2' } })).toBe(false);
  });

  it('keeps every value of a repeated event key, as event-ruler streams them', () => {
    expect(matches({ a: [1] }, '{"a":1,"a":2}')).toBe(true);
    expect(matches({ a: [2] }, '{"a":1,"a":2}')).toBe(true);
    expect(matches({ a: { b: ['x'] } }, '{"a":{"b":"x"},"a":{"c":"y"}}')).toBe(true);
  });

  it('reads an event once for many patterns with parseEventText', () => {
    const event = parseEventText(fixtureText('s3.PutBucketPolicy.public.json'));
    expect(matches({ source: ['aws.s3'] }, event)).toBe(true);
    expect(matches({ detail: { eventName: ['PutBucketPolicy'] } }, event)).toBe(true);
  });

  it('ignores text after the root object, as event-ruler does', () => {
    expect(validatePattern('{"a":["b"]} trailing')).toEqual({ valid: true });
    expect(matches({ a: ['b'] }, '{"a":"b"} trailing')).toBe(true);
  });
});

describe('validation messages', () => {
  it.each([
    ['{"a":1}', '"a" must be an object or an array'],
    ['{"a":[]}', 'Empty arrays are not allowed'],
    ['{"a":{}}', 'Empty objects are not allowed'],
    ['[1]', 'Filter is not an object'],
    ['', 'Filter is not an object'],
    ['{"a":[{"x":1}]}', 'Unrecognized match type x'],
    ['{"a":[{}]}', 'Match expression name not found'],
    ['{"a":[{"prefix":"p","suffix":"s"}]}', 'Only one key allowed in match expression'],
    ['{"a":[{"numeric":[]}]}', 'Invalid member in numeric match: ]'],
    ['{"a":[{"numeric":[">",1,"<"]}]}', 'Value of < must be numeric'],
    ['{"a":[{"numeric":[">",5,"<=",5]}]}', 'Bottom must be less than top'],
    ['{"a":[{"numeric":["=",1E309]}]}', 'Cannot compare number : 1E309'],
    ['{"a":[{"anything-but":[1e400]}]}', 'Cannot compare number : 1e400'],
    [
      '{"a":[{"anything-but":["a",1]}]}',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    ['{"a":[{"anything-but":{"suffix":""}}]}', 'Null prefix/suffix not allowed'],
    ['{"a":[{"equals-ignore-case":["x"]}]}', 'equals-ignore-case match pattern must be a string'],
    ['{"a":[{"cidr":"10.0.0.0/-1"}]}', 'Malformed CIDR, mask bits must not be negative'],
    ['{"$or":[{"a":["1"]}]}', 'There must have at least 2 Objects in $or relationship.'],
  ])('%s -> %s', (pattern, expected) => {
    expect(validatePattern(pattern)).toEqual({ valid: false, message: reason(expected) });
  });

  it.each([
    ["{'a':['b']}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"],
    ['{"a":["b"],}', "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"],
    [
      '{"a":["b",]}',
      "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    [
      '{"a" ["b"]}',
      "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value",
    ],
    [
      '{"a":["b" "c"]}',
      "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries",
    ],
    [
      '{"a":[tru]}',
      "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    ['{"a":[01]}', 'Invalid numeric value: Leading zeroes not allowed'],
    ['{"a":["b\\q"]}', "Unrecognized character escape 'q' (code 113)"],
    ['{"a":["b"]', 'Unexpected end-of-input: expected close marker for Object'],
  ])('reports JSON syntax errors as Jackson does: %s', (pattern, expected) => {
    expect(validatePattern(pattern)).toEqual({ valid: false, message: reason(expected) });
  });

  it('reports the first problem in document order, reading strings only when the rule needs them', () => {
    // A pattern rule broken before a later syntax error wins.
    expect(validatePattern('{"a":1, "b": [tru]}')).toEqual({
      valid: false,
      message: reason('"a" must be an object or an array'),
    });
    // Numbers are checked as soon as their field is read ...
    expect(validatePattern('{"a":[{"nope": 01}]}')).toEqual({
      valid: false,
      message: reason('Invalid numeric value: Leading zeroes not allowed'),
    });
    // ... but a string's contents only when they are used.
    expect(validatePattern('{"a":[{"numeric":"\\q"}]}')).toEqual({
      valid: false,
      message: reason('Value of numeric must be an array.'),
    });
  });

  it('throws InvalidPatternError from compilePattern with the same message and code', () => {
    let thrown: unknown;
    try {
      compilePattern({ detail: { eventName: 'StopInstances' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidPatternError);
    expect(thrown).toMatchObject({
      code: 'InvalidEventPattern',
      awsErrorCode: 'InvalidEventPatternException',
      message: reason('"eventName" must be an object or an array'),
    });
  });

  it('reports a pattern that is not JSON-serializable as invalid', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const result = validatePattern(cyclic);
    expect(result.valid).toBe(false);
  });
});

describe('events that are not JSON objects', () => {
  it('throws InvalidEventError for non-objects and malformed text', () => {
    const compiled = compilePattern({ a: ['b'] });
    expect(() => compiled.matches(null)).toThrow(InvalidEventError);
    expect(() => compiled.matches([{ a: 'b' }])).toThrow(InvalidEventError);
    expect(() => compiled.matches('{"a": "b"')).toThrow('Event is not valid JSON: Unexpected end-of-input');
    expect(() => compiled.matches('"a"')).toThrow('Event must be a JSON object');
  });

  it("refuses event text with a number over Jackson's 1000-digit limit, as event-ruler's Event parser does", () => {
    // Prepare: event-ruler reads event text with a default JsonFactory, so StreamReadConstraints apply.
    const compiled = compilePattern({ b: ['x'] });
    const digits = (count: number): string => '7'.repeat(count);

    // Act + Assess
    expect(compiled.matches(`{"a":${digits(1000)},"b":"x"}`)).toBe(true);
    expect(() => compiled.matches(`{"a":${digits(1001)},"b":"x"}`)).toThrow(
      'Event is not valid JSON: Number value length (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)',
    );
  });
});
