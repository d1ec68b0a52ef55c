import {
  COMMAND_USAGE,
  type Command,
  type CommandCatalog,
  DEFAULT_MUTE_MS,
  damerauLevenshtein,
  MAX_MUTE_MS,
  parseCommand,
  SLASH_COMMAND,
} from '../../src/commands/parse';

const CATALOG: CommandCatalog = {
  watches: [
    { id: 'security-groups', aliases: ['sg', 'secgroups'] },
    { id: 'ec2', aliases: ['instances'] },
    { id: 'vpc', aliases: [] },
    { id: 'route-tables', aliases: ['routes'] },
    { id: 's3', aliases: ['buckets'] },
    { id: 'iam', aliases: [] },
    { id: 'cloudtrail', aliases: ['trail'] },
    { id: 'signin', aliases: ['console-login'] },
  ],
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parse(text: string): Command {
  return parseCommand(text, structuredClone(CATALOG));
}

function errorOf(text: string): string {
  const command = parse(text);
  if (command.kind !== 'error')
    throw new Error(`expected an error for '${text}', got ${JSON.stringify(command)}`);
  return command.message;
}

describe('help and the commands without arguments', () => {
  it.each(['', '   ', '\n\t', ' , '])('answers help for empty text %j', (text) => {
    expect(parse(text)).toEqual({ kind: 'help' });
  });

  it.each([
    ['help', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['help subscribe', { kind: 'help' }],
    ['list', { kind: 'list' }],
    ['  List  ', { kind: 'list' }],
    ['watches', { kind: 'watches' }],
    ['WATCHES', { kind: 'watches' }],
    ['digest', { kind: 'digest' }],
    ['Digest', { kind: 'digest' }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each(['list', 'watches', 'digest'])('refuses arguments after %s', (keyword) => {
    expect(errorOf(`${keyword} everything`)).toBe(
      `\`/infrawatch ${keyword}\` takes no arguments. Try \`/infrawatch help\`.`,
    );
  });
});

describe('subscribe and unsubscribe', () => {
  it.each(['subscribe', 'unsubscribe'] as const)(
    '%s takes watch ids and aliases, case-insensitively',
    (kind) => {
      expect(parse(`${kind} ec2`)).toEqual({ kind, watches: ['ec2'] });
      expect(parse(`${kind} SG`)).toEqual({ kind, watches: ['security-groups'] });
      expect(parse(`${kind.toUpperCase()} Console-Login`)).toEqual({ kind, watches: ['signin'] });
    },
  );

  it('accepts commas and spaces between watches, deduplicates, and answers in catalog order', () => {
    expect(parse('subscribe trail,sg  ec2 , instances,security-groups')).toEqual({
      kind: 'subscribe',
      watches: ['security-groups', 'ec2', 'cloudtrail'],
    });
  });

  it('keeps all as all, so watches added to the catalog later are included', () => {
    expect(parse('subscribe all')).toEqual({ kind: 'subscribe', watches: ['all'] });
    expect(parse('unsubscribe ALL')).toEqual({ kind: 'unsubscribe', watches: ['all'] });
    expect(parse('subscribe ec2 all sg')).toEqual({ kind: 'subscribe', watches: ['all'] });
  });

  it('asks which watches when none are given', () => {
    expect(errorOf('subscribe')).toBe(
      'Which watches? For example `/infrawatch subscribe security-groups ec2`, or `/infrawatch subscribe all`. `/infrawatch watches` lists them all.',
    );
    expect(errorOf('unsubscribe , ')).toContain('`/infrawatch unsubscribe all`');
  });

  it('suggests the closest watch for a typo', () => {
    expect(errorOf('subscribe ec3')).toBe("Unknown watch 'ec3' — did you mean 'ec2'?");
    expect(errorOf('subscribe secgroup')).toBe("Unknown watch 'secgroup' — did you mean 'secgroups'?");
    expect(errorOf('subscribe cloudtrial')).toBe("Unknown watch 'cloudtrial' — did you mean 'cloudtrail'?");
    expect(errorOf('subscribe bukets')).toBe("Unknown watch 'bukets' — did you mean 'buckets'?");
    expect(errorOf('unsubscribe rotues')).toBe("Unknown watch 'rotues' — did you mean 'routes'?");
  });

  it('suggests a watch the word is the beginning of', () => {
    expect(errorOf('subscribe secur')).toBe("Unknown watch 'secur' — did you mean 'security-groups'?");
    expect(errorOf('unsubscribe rout')).toBe("Unknown watch 'rout' — did you mean 'route-tables'?");
  });

  it('lists every unknown watch and points to the watch list when it has no suggestion', () => {
    expect(errorOf('subscribe ec2 ec3 kubernetes')).toBe(
      "Unknown watch 'ec3' — did you mean 'ec2'? Unknown watch 'kubernetes'. `/infrawatch watches` lists them all.",
    );
  });

  it('keeps the user’s spelling of the unknown word', () => {
    expect(errorOf('subscribe EC3')).toBe("Unknown watch 'EC3' — did you mean 'ec2'?");
  });

  it('says so when the catalog has no watch at all', () => {
    expect(parseCommand('subscribe all', { watches: [] })).toEqual({
      kind: 'error',
      message: 'There are no watches yet: add one to the catalog first.',
    });
  });
});

describe('mute', () => {
  it('mutes a watch for 1h by default', () => {
    expect(DEFAULT_MUTE_MS).toBe(HOUR);
    expect(parse('mute ec2')).toEqual({
      kind: 'mute',
      target: { type: 'watch', value: 'ec2' },
      durationMs: HOUR,
    });
    expect(parse('MUTE Instances')).toEqual({
      kind: 'mute',
      target: { type: 'watch', value: 'ec2' },
      durationMs: HOUR,
    });
  });

  it.each([
    ['for 2h', 2 * HOUR],
    ['for 90m', 90 * MINUTE],
    ['for 3d', 3 * DAY],
    ['FOR 2H', 2 * HOUR],
    ['for 1h30m', 90 * MINUTE],
    ['for 1d 12h', 36 * HOUR],
    ['for 2 hours', 2 * HOUR],
    ['for 45 minutes', 45 * MINUTE],
    ['for 1 day', DAY],
    ['for 30d', 30 * DAY],
    ['for 720h', 30 * DAY],
    ['for 43200m', 30 * DAY],
    ['for 1m', MINUTE],
    ['2h', 2 * HOUR],
  ])('reads the duration %j', (duration, durationMs) => {
    expect(parse(`mute sg ${duration}`)).toEqual({
      kind: 'mute',
      target: { type: 'watch', value: 'security-groups' },
      durationMs,
    });
  });

  it('caps mutes at 30 days', () => {
    expect(MAX_MUTE_MS).toBe(30 * DAY);
    expect(errorOf('mute ec2 for 31d')).toBe(
      "'31d' is too long: a mute lasts at most 30d (720h). Mute again when it ends.",
    );
    expect(errorOf('mute ec2 for 721h')).toContain('at most 30d');
    expect(errorOf('mute ec2 for 43201m')).toContain('at most 30d');
    expect(errorOf('mute ec2 for 99999999999999999999d')).toContain('at most 30d');
  });

  it.each(['0h', '0m', '0d', '0h0m'])('refuses the empty duration %s', (duration) => {
    expect(errorOf(`mute ec2 for ${duration}`)).toBe(
      'A mute must last more than zero. Use minutes, hours or days, like 90m, 2h or 3d (at most 30d).',
    );
  });

  it.each([
    'soon',
    '2',
    'h',
    '1.5h',
    '2w',
    '-2h',
    '2h please',
    'two hours',
    '2hh',
    '2constructor',
    '1toString',
  ])('refuses the unreadable duration %j, saying the limit', (duration) => {
    expect(errorOf(`mute ec2 for ${duration}`)).toBe(
      `I can't read '${duration}' as a duration. Use minutes, hours or days, like 90m, 2h or 3d (at most 30d).`,
    );
  });

  it('asks for the duration after a bare for', () => {
    expect(errorOf('mute ec2 for')).toBe(
      'For how long? Use minutes, hours or days, like 90m, 2h or 3d (at most 30d).',
    );
  });

  it('mutes one target at a time', () => {
    expect(errorOf('mute ec2 vpc')).toBe('Mute one target at a time, like `/infrawatch mute ec2 for 2h`.');
    expect(errorOf('mute ec2,vpc for 2h')).toBe(
      'Mute one target at a time, like `/infrawatch mute ec2 for 2h`.',
    );
    expect(errorOf('mute all')).toBe(
      'Mute one target at a time: a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>.',
    );
  });

  it('asks what to mute when nothing follows', () => {
    expect(errorOf('mute')).toBe(
      'What should I mute? `/infrawatch mute <target> [for <duration>]`, where the target is a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>.',
    );
  });

  it('mutes an actor by name in the accounts given, or by ARN, keeping its case', () => {
    expect(parse('mute actor:Alice account:123456789012 for 2h')).toEqual({
      kind: 'mute',
      target: { type: 'actor', value: 'Alice', accounts: ['123456789012'] },
      durationMs: 2 * HOUR,
    });
    expect(parse('mute actor:terraform-ci account:Prod account:210987654321')).toEqual({
      kind: 'mute',
      target: { type: 'actor', value: 'terraform-ci', accounts: ['prod', '210987654321'] },
      durationMs: HOUR,
    });
    expect(parse('mute ACTOR:arn:aws:iam::123456789012:role/Deployer')).toEqual({
      kind: 'mute',
      target: { type: 'actor', value: 'arn:aws:iam::123456789012:role/Deployer' },
      durationMs: HOUR,
    });
    expect(
      parse('mute actor:arn:aws:sts::123456789012:assumed-role/Operator/ryan@example.com for 90m'),
    ).toEqual({
      kind: 'mute',
      target: { type: 'actor', value: 'arn:aws:sts::123456789012:assumed-role/Operator/ryan@example.com' },
      durationMs: 90 * MINUTE,
    });
  });

  it('refuses a name without an account: the same name can exist in every account', () => {
    expect(errorOf('mute actor:terraform-ci for 2h')).toBe(
      'A name can belong to a different identity in every AWS account, so say which account: `/infrawatch mute actor:terraform-ci account:<12-digit id or alias> for 2h`, or mute it by ARN (actor:arn:aws:iam::123456789012:user/terraform-ci).',
    );
  });

  it('refuses accounts after an ARN, a watch or an account, and a malformed account', () => {
    expect(errorOf('mute actor:arn:aws:iam::123456789012:user/alice account:123456789012')).toBe(
      'An ARN names its account already: `/infrawatch mute actor:arn:aws:iam::123456789012:user/alice` is enough.',
    );
    expect(errorOf('mute ec2 account:123456789012')).toBe(
      'account: after a target only scopes an actor name (actor:terraform-ci account:123456789012); mute one target at a time.',
    );
    expect(errorOf('mute actor:ci account:12345')).toBe("AWS account ids have 12 digits; '12345' has 5.");
  });

  it('reads back e-mail addresses and links that Slack wrapped, and its HTML entities', () => {
    expect(
      parse('mute actor:<mailto:ryan@example.com|ryan@example.com> account:123456789012 for 2h'),
    ).toEqual({
      kind: 'mute',
      target: { type: 'actor', value: 'ryan@example.com', accounts: ['123456789012'] },
      durationMs: 2 * HOUR,
    });
    expect(parse('mute actor:<mailto:ops@example.com> account:prod for 2h')).toMatchObject({
      target: { type: 'actor', value: 'ops@example.com' },
    });
    expect(parse('mute actor:a&amp;b account:prod')).toMatchObject({
      target: { type: 'actor', value: 'a&b' },
    });
  });

  it('refuses an empty actor or an incomplete ARN', () => {
    expect(errorOf('mute actor:')).toBe(
      'Say who after actor:, like `/infrawatch mute actor:alice` or an IAM ARN.',
    );
    expect(errorOf('mute actor:arn:aws:iam')).toBe(
      "'arn:aws:iam' looks like an incomplete ARN: arn:aws:iam::123456789012:user/alice has six parts.",
    );
  });

  it('mutes an account by 12-digit id or by alias (lower-cased)', () => {
    expect(parse('mute account:123456789012 for 1d')).toEqual({
      kind: 'mute',
      target: { type: 'account', value: '123456789012' },
      durationMs: DAY,
    });
    expect(parse('mute Account:Prod-Main')).toEqual({
      kind: 'mute',
      target: { type: 'account', value: 'prod-main' },
      durationMs: HOUR,
    });
  });

  it('refuses malformed accounts', () => {
    expect(errorOf('mute account:12345')).toBe("AWS account ids have 12 digits; '12345' has 5.");
    expect(errorOf('mute account:1234567890123')).toBe(
      "AWS account ids have 12 digits; '1234567890123' has 13.",
    );
    const aliasHelp =
      'Say which account after account:, as a 12-digit id or an alias (letters, digits, dots, dashes, underscores), like account:123456789012.';
    expect(errorOf('mute account:')).toBe(aliasHelp);
    expect(errorOf('mute account:-prod')).toBe(aliasHelp);
    expect(errorOf(`mute account:${'a'.repeat(64)}`)).toBe(aliasHelp);
  });

  it('explains how to mute people and accounts when the target is not a watch', () => {
    expect(errorOf('mute alice')).toBe(
      "Unknown watch 'alice'. To mute a person or role write actor:alice; an account, account:<id>. `/infrawatch watches` lists them all.",
    );
    expect(errorOf('mute 123456789012')).toBe(
      "Unknown watch '123456789012'. To mute an account write account:123456789012. `/infrawatch watches` lists them all.",
    );
    expect(errorOf('mute arn:aws:iam::123456789012:user/alice')).toBe(
      'To mute a person or role by ARN write actor:arn:aws:iam::123456789012:user/alice.',
    );
    expect(errorOf('mute user:alice')).toBe(
      "Unknown target 'user:alice'. A target is a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>.",
    );
  });

  it('suggests a watch for a typo in the target', () => {
    expect(errorOf('mute ec3 for 2h')).toBe("Unknown watch 'ec3' — did you mean 'ec2'?");
    expect(errorOf('mute instnaces')).toBe("Unknown watch 'instnaces' — did you mean 'instances'?");
  });
});

describe('unmute', () => {
  it.each([
    ['unmute ec2', { type: 'watch', value: 'ec2' }],
    ['UNMUTE routes', { type: 'watch', value: 'route-tables' }],
    ['unmute actor:alice', { type: 'actor', value: 'alice' }],
    [
      'unmute actor:alice account:123456789012',
      { type: 'actor', value: 'alice', accounts: ['123456789012'] },
    ],
    ['unmute account:123456789012', { type: 'account', value: '123456789012' }],
  ])('%j', (text, target) => {
    expect(parse(text)).toEqual({ kind: 'unmute', target });
  });

  it('takes one target and nothing else', () => {
    expect(errorOf('unmute ec2 for 2h')).toBe(
      'Unmute takes one target and nothing after it: `/infrawatch unmute <target>`.',
    );
    expect(errorOf('unmute')).toBe(
      'What should I unmute? `/infrawatch unmute <target>`, where the target is a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>.',
    );
    expect(errorOf('unmute all')).toBe(
      'Unmute one target at a time: a watch (ec2), actor:<name or ARN> or account:<12-digit id or alias>.',
    );
    expect(errorOf('unmute bob')).toContain('To unmute a person or role write actor:bob');
  });
});

describe('unknown commands', () => {
  it.each([
    ['subscrbe', 'subscribe'],
    ['sbuscribe', 'subscribe'],
    ['Subscribee', 'subscribe'],
    ['unsubscrib', 'unsubscribe'],
    ['unsub', 'unsubscribe'],
    ['sub', 'subscribe'],
    ['mtue', 'mute'],
    ['unmte', 'unmute'],
    ['lst', 'list'],
    ['wathces', 'watches'],
    ['digets', 'digest'],
    ['hlep', 'help'],
  ])('suggests a command for %j', (word, suggestion) => {
    expect(errorOf(`${word} ec2`)).toBe(
      `Unknown command '${word}' — did you mean '${suggestion}'? Try \`/infrawatch help\`.`,
    );
  });

  it('points to subscribe when the command is a watch name', () => {
    expect(errorOf('ec2')).toBe(
      "Unknown command 'ec2'. To get its alerts here: `/infrawatch subscribe ec2`. Try `/infrawatch help`.",
    );
  });

  it('points to help when nothing is close', () => {
    expect(errorOf('deploy now')).toBe("Unknown command 'deploy'. Try `/infrawatch help`.");
  });
});

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['ec3', 'ec2', 1],
    ['ab', 'ba', 1],
    ['sbuscribe', 'subscribe', 1],
    ['ca', 'abc', 2],
    ['kitten', 'sitting', 3],
    ['wathces', 'watches', 1],
    ['🚀a', 'a🚀', 1],
  ])('%j -> %j is %d', (a, b, distance) => {
    expect(damerauLevenshtein(a, b)).toBe(distance);
    expect(damerauLevenshtein(b, a)).toBe(distance);
  });
});

describe('COMMAND_USAGE', () => {
  it('lists every command once, in the order help shows them', () => {
    expect(COMMAND_USAGE.map((usage) => usage.command)).toEqual([
      'subscribe',
      'unsubscribe',
      'mute',
      'unmute',
      'escalate',
      'ask-actors',
      'actor-confirms',
      'list',
      'watches',
      'digest',
      'stats',
      'help',
    ]);
  });

  it.each(COMMAND_USAGE.map((usage) => [usage.command, usage] as const))(
    'the %s example parses to that command',
    (command, usage) => {
      expect(usage.example.startsWith(`${SLASH_COMMAND} ${command}`)).toBe(true);
      expect(usage.description.length).toBeGreaterThan(0);
      const parsed = parse(usage.example.slice(SLASH_COMMAND.length));
      expect(parsed.kind).toBe(command);
    },
  );
});

describe('stats', () => {
  it('takes 7d (the default) or 30d', () => {
    expect(parse('stats')).toEqual({ kind: 'stats', days: 7 });
    expect(parse('stats 7d')).toEqual({ kind: 'stats', days: 7 });
    expect(parse('Stats 30D')).toEqual({ kind: 'stats', days: 30 });
  });

  it('answers any other window with the two it offers', () => {
    expect(parse('stats 90d')).toEqual({
      kind: 'error',
      message:
        "`/infrawatch stats` covers the last `7d` or `30d` (default 7d), not '90d'. Try `/infrawatch help`.",
    });
    expect(parse('stats 7d 30d')).toEqual({
      kind: 'error',
      message: '`/infrawatch stats` takes one window: `7d` or `30d`. Try `/infrawatch help`.',
    });
  });
});
