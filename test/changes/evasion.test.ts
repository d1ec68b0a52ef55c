/**
 * What an attacker would try in order to make a dangerous change look routine: world-open ingress spelled in
 * pieces or hidden in a prefix list, administrator access under other names, and guardrails taken away through
 * Organizations. Each case is rated as the README's severity table promises (the rules are there, not here).
 */
import { describeChange } from '../../src/changes/describe';
import type { Change } from '../../src/model/change';
import { fixtureWith, type JsonObject } from '../helpers/cloudtrail-fixtures';
import { INGRESS, ipv4, ipv6, permission, ruleEvent } from '../helpers/security-group-events';

const INLINE = 'iam.PutUserPolicy.notaction.json';
const ACCOUNT = '609418236337';
const ORGANIZATIONS = 'organizations.LeaveOrganization.stratus.json';

const ingress = (protocol: string | number, from: number | null, to: number | null, peers: JsonObject) =>
  ruleEvent([permission(protocol, from, to, peers)]);

/** The fixture's call replaced by `eventName` with these parameters, succeeding. */
function call(file: string, eventName: string, requestParameters: JsonObject | null): Change {
  return describeChange(
    fixtureWith(file, (detail) => {
      detail.eventName = eventName;
      detail.requestParameters = requestParameters;
      delete detail.errorCode;
      delete detail.errorMessage;
    }),
  );
}

const putUserPolicy = (userName: string, statement: JsonObject) =>
  call(INLINE, 'PutUserPolicy', {
    userName,
    policyName: 'p',
    policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
  });

describe('evasion: world-open ingress in pieces', () => {
  it.each([
    ['0.0.0.0/1 + 128.0.0.0/1', ipv4('0.0.0.0/1', '128.0.0.0/1')],
    ['every /8 from 1 to 223', ipv4(...Array.from({ length: 223 }, (_, i) => `${i + 1}.0.0.0/8`))],
    ['::/1 + 8000::/1', ipv6('::/1', '8000::/1')],
    ['::0.0.0.0/0 (an IPv4 tail in IPv6 notation)', ipv6('::0.0.0.0/0')],
    ['0:0:0:0:0:ffff:0.0.0.0/0', ipv6('0:0:0:0:0:ffff:0.0.0.0/0')],
  ])('SSH open to %s in one call is critical', (_name, peers) => {
    const change = ingress('tcp', 22, 22, peers);

    expect(change.severity).toBe('critical');
    expect(change.reasons[0]).toMatch(
      /^tcp\/22 \(SSH\) is open to (the whole internet|\d+% of the public internet)/,
    );
  });

  it.each([
    ['every port by range', 'tcp', 0, 65535],
    ['protocol -1', '-1', null, null],
    ['protocol 6 as a number, every port', 6, 0, 65535],
    ['a range that includes 22', 'tcp', 1, 1024],
  ])('%s from 0.0.0.0/0 is critical', (_name, protocol, from, to) => {
    expect(ingress(protocol, from, to, ipv4('0.0.0.0/0')).severity).toBe('critical');
  });

  it('one /8 per call on SSH is a warning each time: calls are rated one by one (see the README)', () => {
    const pieces = ['1.0.0.0/8', '2.0.0.0/8', '3.0.0.0/8'].map((cidr) => ingress('tcp', 22, 22, ipv4(cidr)));

    expect(pieces.map((change) => change.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(pieces[0]?.reasons[0]).toContain('16,777,216 public addresses');
  });
});

describe('evasion: a prefix list opened to the internet', () => {
  const modify = (request: JsonObject) => call(INGRESS, 'ModifyManagedPrefixList', request);

  it('adding 0.0.0.0/0 to a prefix list is a warning that says every rule using it is open', () => {
    const change = modify({
      ModifyManagedPrefixListRequest: {
        PrefixListId: 'pl-0123456abcabcabc1',
        CurrentVersion: 1,
        AddEntry: [{ Cidr: '0.0.0.0/0', Description: 'temp' }],
      },
    });

    expect(change.watches).toContain('security-groups');
    expect(change.severity).toBe('warning');
    expect(change.summary).toContain('changed prefix list pl-0123456abcabcabc1 adding 0.0.0.0/0');
    expect(change.reasons[0]).toMatch(
      /^Prefix list pl-0123456abcabcabc1 now admits the whole internet \(0\.0\.0\.0\/0\)/,
    );
  });

  it('a new IPv6 list holding ::/1 and 8000::/1 is a warning; an office range is routine', () => {
    const created = call(INGRESS, 'CreateManagedPrefixList', {
      CreateManagedPrefixListRequest: {
        PrefixListName: 'partners',
        AddressFamily: 'IPv6',
        Entry: [{ Cidr: '::/1' }, { Cidr: '8000::/1' }],
      },
    });
    const office = modify({ prefixListId: 'pl-1', addEntry: { cidr: '203.0.114.0/24' } });

    expect(created.severity).toBe('warning');
    expect(office.severity).toBe('info');
  });
});

describe('evasion: administrator access by another name', () => {
  it.each([
    ['"i*:*" on *', { Effect: 'Allow', Action: 'i*:*', Resource: '*' }],
    ['"IAM:Put*" on *', { Effect: 'Allow', Action: 'IAM:Put*', Resource: '*' }],
    ['"*:*" on arn:*', { Effect: 'Allow', Action: '*:*', Resource: 'arn:*' }],
    ['NotAction s3:* on *', { Effect: 'Allow', NotAction: 's3:*', Resource: '*' }],
    ['"iam:*" on every user', { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:user/*' }],
  ])('an inline policy with %s is critical', (_name, statement) => {
    expect(putUserPolicy('bob', statement).severity).toBe('critical');
  });

  it('iam:PutUserPolicy on the user it is put on is critical: she can write herself any policy', () => {
    const own = putUserPolicy('mallory', {
      Effect: 'Allow',
      Action: 'iam:PutUserPolicy',
      Resource: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    });
    const someoneElse = putUserPolicy('mallory', {
      Effect: 'Allow',
      Action: 'iam:PutUserPolicy',
      Resource: `arn:aws:iam::${ACCOUNT}:user/ci-bot`,
    });

    expect(own.severity).toBe('critical');
    expect(own.reasons[0]).toContain('whoever holds it can grant itself administrator access');
    expect(someoneElse.severity).toBe('info');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template.
  it('a policy variable in the resource (${aws:username}) is every holder, so it is critical too', () => {
    const change = putUserPolicy('mallory', {
      Effect: 'Allow',
      Action: ['iam:AttachUserPolicy'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template.
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    });

    expect(change.severity).toBe('critical');
  });

  it('switching a managed policy to another version is a warning: the event does not say what it allows', () => {
    const change = call(INLINE, 'SetDefaultPolicyVersion', {
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/deploy`,
      versionId: 'v2',
    });

    expect(change.severity).toBe('warning');
    expect(change.summary).toContain('made version v2 the default of policy deploy');
    expect(change.reasons[0]).toMatch(/^Version v2 of managed policy deploy is now in effect/);
  });
});

describe('evasion: Organizations guardrails taken away', () => {
  const scp = (statement: JsonObject[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

  it('switching service control policies off is critical', () => {
    const change = call(ORGANIZATIONS, 'DisablePolicyType', {
      rootId: 'r-ab12',
      policyType: 'SERVICE_CONTROL_POLICY',
    });

    expect(change.severity).toBe('critical');
    expect(change.summary).toContain('switched off service control policies in r-ab12');
  });

  it('rewriting an SCP to allow everything and deny nothing is critical; another rewrite is a warning', () => {
    const opened = call(ORGANIZATIONS, 'UpdatePolicy', {
      policyId: 'p-guard',
      content: scp([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    });
    const edited = call(ORGANIZATIONS, 'UpdatePolicy', {
      policyId: 'p-guard',
      content: scp([
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'cloudtrail:StopLogging', Resource: '*' },
      ]),
    });
    const renamed = call(ORGANIZATIONS, 'UpdatePolicy', { policyId: 'p-guard', name: 'guard-v2' });

    expect(opened.severity).toBe('critical');
    expect(opened.reasons[0]).toContain('no longer restricts anything');
    expect(edited.severity).toBe('warning');
    expect(renamed.severity).toBe('info');
  });

  it('detaching an SCP is a warning, except FullAWSAccess (which only restricts when removed)', () => {
    const guard = call(ORGANIZATIONS, 'DetachPolicy', { policyId: 'p-guard', targetId: 'ou-ab12-prod' });
    const full = call(ORGANIZATIONS, 'DetachPolicy', {
      policyId: 'p-FullAWSAccess',
      targetId: 'ou-ab12-prod',
    });

    expect(guard.severity).toBe('warning');
    expect(guard.summary).toContain('detached organization policy p-guard from ou-ab12-prod');
    expect(full.severity).toBe('info');
  });

  it('removing an account or deleting the organization is critical', () => {
    expect(call(ORGANIZATIONS, 'RemoveAccountFromOrganization', { accountId: '111122223333' }).severity).toBe(
      'critical',
    );
    expect(call(ORGANIZATIONS, 'DeleteOrganization', null).severity).toBe('critical');
  });
});
