import { arnAccount, isRecord, items, stringOrList } from './read';

/** One principal of a policy statement, e.g. `{ kind: 'AWS', value: 'arn:aws:iam::111122223333:root' }`. */
export interface PolicyPrincipal {
  /** `*` for `"Principal": "*"`, else the key: `AWS`, `Service`, `Federated`, `CanonicalUser`. */
  kind: string;
  value: string;
}

export interface PolicyStatement {
  sid: string | null;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  /** The statement names the resources it does not apply to (`NotResource`). */
  notResource: boolean;
  /** null when the statement has no Principal (identity policies). */
  principals: PolicyPrincipal[] | null;
  notPrincipal: boolean;
  /** Condition keys (never their values: an sts:ExternalId is a shared secret). */
  conditionKeys: string[];
}

export interface PolicyDocument {
  statements: PolicyStatement[];
  /** The document as CloudTrail recorded it (a JSON string, or the object re-serialised). */
  text: string;
}

// IAM policies are at most 10 KB and bucket policies 20 KB; anything far larger is not a policy we should parse
// on the hot path.
const MAX_POLICY_TEXT = 200_000;

/**
 * Reads a policy document as CloudTrail records it: an object (S3 `bucketPolicy`), a JSON string (IAM request
 * parameters) or a URL-encoded JSON string (IAM response elements). Returns null when it is none of these.
 */
export function parsePolicyDocument(value: unknown): PolicyDocument | null {
  let document: unknown = value;
  let text: string;
  if (typeof value === 'string') {
    if (value === '' || value.length > MAX_POLICY_TEXT) return null;
    text = value;
    // IAM returns policy documents URL-encoded (RFC 3986), and CloudTrail records some that way: `%7B%0A…`.
    document = parseJson(value) ?? (value.includes('%') ? parseJson(safeDecode(value)) : null);
  } else if (isRecord(value)) {
    try {
      text = JSON.stringify(value);
    } catch {
      return null;
    }
  } else {
    return null;
  }
  if (!isRecord(document)) return null;
  const statements = items(document.Statement).filter(isRecord).map(readStatement);
  return { statements, text };
}

function readStatement(statement: Record<string, unknown>): PolicyStatement {
  const principalField = statement.Principal ?? statement.NotPrincipal;
  return {
    sid: typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : null,
    effect: typeof statement.Effect === 'string' ? statement.Effect : 'Allow',
    actions: stringOrList(statement.Action),
    notActions: stringOrList(statement.NotAction),
    resources: stringOrList(statement.Resource),
    notResource: statement.NotResource !== undefined,
    principals: principalField === undefined ? null : readPrincipals(principalField),
    notPrincipal: statement.NotPrincipal !== undefined,
    conditionKeys: readConditionKeys(statement.Condition),
  };
}

function readPrincipals(value: unknown): PolicyPrincipal[] {
  if (value === '*') return [{ kind: '*', value: '*' }];
  if (!isRecord(value)) return [];
  const principals: PolicyPrincipal[] = [];
  for (const [kind, values] of Object.entries(value)) {
    for (const principal of stringOrList(values)) principals.push({ kind, value: principal });
  }
  return principals;
}

function readConditionKeys(condition: unknown): string[] {
  if (!isRecord(condition)) return [];
  const keys: string[] = [];
  for (const operator of Object.values(condition)) {
    if (isRecord(operator)) keys.push(...Object.keys(operator));
  }
  return keys;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isAllow(statement: PolicyStatement): boolean {
  return statement.effect.toLowerCase() === 'allow';
}

/** `*`, or `{"AWS": "*"}`: every AWS principal in every account, i.e. anyone. */
export function isEveryone(principal: PolicyPrincipal): boolean {
  return principal.value === '*' && (principal.kind === '*' || principal.kind === 'AWS');
}

/**
 * Condition keys that pin a `Principal: "*"` statement to known callers. S3 uses the same idea to decide that
 * such a policy is not public (aws:SourceVpce, aws:PrincipalOrgID, …).
 */
const RESTRICTING_CONDITION_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:userid',
    'aws:username',
    'aws:SourceIp',
    'aws:VpcSourceIp',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn',
  ].map((key) => key.toLowerCase()),
);

/** Whether a condition key pins a `Principal: "*"` grant to known callers (org, account, VPC, source ARN…). */
export function isRestrictingConditionKey(key: string): boolean {
  return RESTRICTING_CONDITION_KEYS.has(key.toLowerCase());
}

/** Allow statements granting to everyone, split by whether a condition pins them to known callers. */
export function publicGrants(document: PolicyDocument): {
  open: PolicyStatement[];
  conditional: PolicyStatement[];
} {
  const open: PolicyStatement[] = [];
  const conditional: PolicyStatement[] = [];
  for (const statement of document.statements) {
    if (!isAllow(statement) || statement.notPrincipal || statement.principals === null) continue;
    if (!statement.principals.some(isEveryone)) continue;
    const restricted = statement.conditionKeys.some(isRestrictingConditionKey);
    (restricted ? conditional : open).push(statement);
  }
  return { open, conditional };
}

/**
 * IAM's wildcard match for actions and resources: `*` any run of characters, `?` one character. Actions compare
 * case-insensitively, resources (ARNs) exactly.
 */
function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  // Iterative glob match with backtracking to the last `*`: linear in practice, no regex built from input.
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi += 1;
      vi += 1;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi;
      mark = vi;
      pi += 1;
    } else if (star !== -1) {
      pi = star + 1;
      mark += 1;
      vi = mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi += 1;
  return pi === p.length;
}

/**
 * Whether an action pattern matches every action there is: `*`, `*:*` and its wildcard spellings (`**`, `*:**`,
 * `?*:*`). Every action is `<service>:<name>`, the service at least two characters (`s3`) and the name at
 * least three, so a pattern of only `*`, `?` and one `:` covers them all when each side has a `*` and no more
 * `?` than the shortest service or name.
 */
function coversEveryAction(pattern: string): boolean {
  if (!/^[*?:]+$/.test(pattern)) return false;
  const sides = pattern.split(':');
  const fits = (side: string, shortest: number) =>
    side.includes('*') && side.replace(/\*/g, '').length <= shortest;
  if (sides.length === 1) return fits(pattern, 6);
  return sides.length === 2 && fits(sides[0] as string, 2) && fits(sides[1] as string, 3);
}

function allowsAction(statement: PolicyStatement, action: string): boolean {
  if (statement.notActions.length > 0) {
    return !statement.notActions.some((pattern) => wildcardMatches(pattern, action, true));
  }
  return statement.actions.some((pattern) => wildcardMatches(pattern, action, true));
}

/**
 * Whether the statement's resources take in every one of `arns` (a `NotResource` statement is taken as all).
 * A policy variable (`${aws:username}`, `${aws:PrincipalTag/team}`) is filled in per caller, so it is taken as
 * a wildcard: `arn:aws:iam::*:user/${aws:username}` is every user's own ARN, including the holder's.
 */
function coversResources(statement: PolicyStatement, arns: readonly string[]): boolean {
  if (statement.notResource) return true;
  return arns.every((arn) =>
    statement.resources.some((pattern) => wildcardMatches(pattern.replace(POLICY_VARIABLE, '*'), arn, false)),
  );
}

const POLICY_VARIABLE = /\$\{[^}]*\}/g;

/** ARNs of unlike services, one of each IAM kind: a resource list that takes them all in is "everything". */
function sampleArns(
  account: string,
): Record<'user' | 'role' | 'group' | 'policy', string> & { others: string[] } {
  return {
    user: `arn:aws:iam::${account}:user/admin`,
    role: `arn:aws:iam::${account}:role/Admin`,
    group: `arn:aws:iam::${account}:group/Admins`,
    policy: `arn:aws:iam::${account}:policy/Admin`,
    others: [
      'arn:aws:s3:::any-bucket/key',
      `arn:aws:ec2:us-east-1:${account}:instance/i-0123456789abcdef0`,
      `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
  };
}

/** Allow statements granting every action on every resource (`*`, `*:*` or a wildcard spelling, `*` or `arn:*`). */
export function fullAdminStatements(document: PolicyDocument, account: string): PolicyStatement[] {
  const arns = sampleArns(account);
  const everything = [arns.user, arns.role, arns.group, arns.policy, ...arns.others];
  return document.statements.filter(
    (statement) =>
      isAllow(statement) &&
      statement.notActions.length === 0 &&
      statement.actions.some(coversEveryAction) &&
      coversResources(statement, everything),
  );
}

/**
 * IAM actions that let their holder give itself any permission (attach or write a policy, replace a policy's
 * default version, join a group, rewrite a trust policy) or take over another identity (its keys or console
 * password), with the kind of resource each acts on. The list follows Rhino Security Labs' catalogue of IAM
 * privilege-escalation methods, the reference that AWS's own guidance on iam:PassRole and policy versions backs.
 */
const ESCALATION_ACTIONS: ReadonlyArray<readonly [action: string, on: 'user' | 'role' | 'group' | 'policy']> =
  [
    ['iam:AttachUserPolicy', 'user'],
    ['iam:AttachGroupPolicy', 'group'],
    ['iam:AttachRolePolicy', 'role'],
    ['iam:PutUserPolicy', 'user'],
    ['iam:PutGroupPolicy', 'group'],
    ['iam:PutRolePolicy', 'role'],
    ['iam:CreatePolicyVersion', 'policy'],
    ['iam:SetDefaultPolicyVersion', 'policy'],
    ['iam:AddUserToGroup', 'group'],
    ['iam:UpdateAssumeRolePolicy', 'role'],
    ['iam:CreateAccessKey', 'user'],
    ['iam:CreateLoginProfile', 'user'],
    ['iam:UpdateLoginProfile', 'user'],
  ];

/** What one Allow statement of an identity policy lets its holder do, at its most powerful. */
export type StatementPower =
  /** Every action on every resource. */
  | { kind: 'admin'; statement: PolicyStatement; index: number }
  /** `NotAction` on every resource: every action but a few. */
  | { kind: 'all-but'; statement: PolicyStatement; index: number }
  /** IAM actions that grant their holder anything (`escalation`), or iam:PassRole on every role. */
  | { kind: 'escalation' | 'pass-role'; statement: PolicyStatement; index: number; actions: string[] };

/** The IAM identity a policy is put on: its own ARN is the one resource an escalation on itself needs. */
export interface PolicyHolder {
  kind: 'user' | 'role' | 'group';
  name: string;
}

/**
 * The statements of an identity policy that grant administrator access or a way to it, in document order. An
 * escalating action counts when it reaches any identity of its kind, or (given the `holder`) the holder
 * itself: `iam:PutUserPolicy` on `user/mallory`, put on mallory, lets mallory write herself any policy.
 */
export function statementPowers(
  document: PolicyDocument,
  account: string,
  holder?: PolicyHolder,
): StatementPower[] {
  const arns = sampleArns(account);
  const everything = [arns.user, arns.role, arns.group, arns.policy, ...arns.others];
  const admin = new Set(fullAdminStatements(document, account));
  const powers: StatementPower[] = [];
  document.statements.forEach((statement, index) => {
    if (!isAllow(statement)) return;
    if (admin.has(statement)) {
      powers.push({ kind: 'admin', statement, index });
      return;
    }
    if (statement.notActions.length > 0 && coversResources(statement, everything)) {
      powers.push({ kind: 'all-but', statement, index });
      return;
    }
    const own = holder === undefined ? null : `arn:aws:iam::${account}:${holder.kind}/${holder.name}`;
    const escalating = ESCALATION_ACTIONS.filter(
      ([action, on]) =>
        allowsAction(statement, action) &&
        (coversResources(statement, [arns[on]]) ||
          (own !== null && holder?.kind === on && coversResources(statement, [own]))),
    ).map(([action]) => action);
    if (escalating.length > 0) {
      powers.push({ kind: 'escalation', statement, index, actions: escalating });
    } else if (allowsAction(statement, 'iam:PassRole') && coversResources(statement, [arns.role])) {
      powers.push({ kind: 'pass-role', statement, index, actions: ['iam:PassRole'] });
    }
  });
  return powers;
}

/** `statement "AllowAll"`, or `statement 2` (1-based) when it has no Sid. */
export function statementLabel(power: Pick<StatementPower, 'statement' | 'index'>): string {
  return power.statement.sid === null ? `statement ${power.index + 1}` : `statement "${power.statement.sid}"`;
}

/**
 * AWS managed policies that make their holder an administrator, or let it become one. One table, each entry
 * with the AWS page that documents the policy's content or risk.
 */
export const ESCALATING_MANAGED_POLICIES: ReadonlyMap<
  string,
  { severity: 'critical' | 'warning'; why: string; source: string }
> = new Map([
  [
    'AdministratorAccess',
    {
      severity: 'critical',
      why: 'it allows every action on every resource.',
      source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html',
    },
  ],
  [
    'AdministratorAccess-Amplify',
    {
      severity: 'critical',
      why: 'it can create IAM roles and policies and pass any role, which AWS says makes it as powerful as AdministratorAccess.',
      source: 'https://docs.aws.amazon.com/amplify/latest/userguide/security-iam-awsmanpol.html',
    },
  ],
  [
    'IAMFullAccess',
    {
      severity: 'critical',
      why: 'it allows every IAM action (iam:* on *), so the holder can attach AdministratorAccess to itself.',
      source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMFullAccess.html',
    },
  ],
  [
    'PowerUserAccess',
    {
      severity: 'critical',
      why: 'it allows every action except IAM, Organizations and Account management on every resource: all data in every service, and the permissions of any existing role a service it controls runs with.',
      source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html',
    },
  ],
  [
    'AWSLambda_FullAccess',
    {
      severity: 'warning',
      why: 'it allows iam:PassRole on every role for Lambda, so the holder can run code with the permissions of any role Lambda may assume.',
      source: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambda_FullAccess.html',
    },
  ],
]);

/** The AWS managed policy an ARN names (`arn:aws:iam::aws:policy/IAMFullAccess`), or null for any other policy. */
export function awsManagedPolicyName(arn: string): string | null {
  return /^arn:aws(-[a-z]+)*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[2] ?? null;
}

export interface TrustFinding {
  principal: PolicyPrincipal;
  /** `everyone`, or `foreign-account` with the account id. */
  risk: 'everyone' | 'foreign-account';
  account: string | null;
  conditionKeys: string[];
}

/**
 * Trust-policy principals that let someone outside this account assume the role: `*` (anyone, whatever
 * the condition: an sts:ExternalId is only a shared string) or an AWS principal in another account.
 */
export function riskyTrust(document: PolicyDocument, ownAccount: string): TrustFinding[] {
  const findings: TrustFinding[] = [];
  for (const statement of document.statements) {
    if (!isAllow(statement) || statement.principals === null) continue;
    for (const principal of statement.principals) {
      if (isEveryone(principal)) {
        findings.push({ principal, risk: 'everyone', account: null, conditionKeys: statement.conditionKeys });
        continue;
      }
      if (principal.kind !== 'AWS') continue;
      const account = /^\d{12}$/.test(principal.value) ? principal.value : arnAccount(principal.value);
      if (account !== null && account !== ownAccount) {
        findings.push({
          principal,
          risk: 'foreign-account',
          account,
          conditionKeys: statement.conditionKeys,
        });
      }
    }
  }
  return findings;
}

/** `AWS arn:aws:iam::1:root`, `Service ec2.amazonaws.com`, `* (anyone)`. */
export function formatPrincipal(principal: PolicyPrincipal): string {
  if (isEveryone(principal)) return principal.kind === '*' ? '* (anyone)' : 'AWS * (anyone)';
  return `${principal.kind} ${principal.value}`;
}

/** `Allow * s3:GetBucketAcl on arn:aws:s3:::b if aws:SourceVpce`. */
export function formatStatement(statement: PolicyStatement): string {
  const principals =
    statement.principals === null
      ? ''
      : ` ${statement.notPrincipal ? 'everyone except ' : ''}${statement.principals.map(formatPrincipal).join(', ') || '(no principal)'}`;
  const actions =
    statement.actions.length > 0
      ? statement.actions.join(', ')
      : statement.notActions.length > 0
        ? `every action except ${statement.notActions.join(', ')}`
        : '(no action)';
  const resources = statement.resources.length > 0 ? ` on ${statement.resources.join(', ')}` : '';
  const condition = statement.conditionKeys.length > 0 ? ` if ${statement.conditionKeys.join(', ')}` : '';
  return `${statement.effect}${principals} ${actions}${resources}${condition}`;
}
