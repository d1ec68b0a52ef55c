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
    document = parseJson(value) ?? (value.startsWith('%7B') ? parseJson(safeDecode(value)) : null);
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

/** Allow statements granting every action on every resource (`"Action": "*"` or `"*:*"`, `"Resource": "*"`). */
export function fullAdminStatements(document: PolicyDocument): PolicyStatement[] {
  return document.statements.filter(
    (statement) =>
      isAllow(statement) &&
      statement.actions.some((action) => action === '*' || action === '*:*') &&
      statement.resources.includes('*'),
  );
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
