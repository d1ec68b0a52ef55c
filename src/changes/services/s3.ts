import type { CloudTrailDetail } from '../../events/cloudtrail';
import { addPolicy } from '../detail-list';
import { shortName } from '../phrases';
import {
  isRestrictingConditionKey,
  type PolicyDocument,
  parsePolicyDocument,
  publicGrants,
} from '../policies';
import { bool, field, isRecord, items, listSome, text, unique } from '../read';
import { type Finding, NO_FINDINGS, type ServiceModule } from '../service';

/** S3 bucket policies, ACLs and public access blocks (of a bucket or of the whole account). */
export type S3Action =
  | {
      kind: 'bucket-policy';
      operation: 'put' | 'delete';
      bucket: string | null;
      policy: PolicyDocument | null;
    }
  | { kind: 'bucket-acl'; bucket: string | null; cannedAcl: string | null; grants: AclGrant[] }
  | PublicAccessBlockAction;

interface PublicAccessBlockAction {
  kind: 'public-access-block';
  operation: 'put' | 'delete';
  scope: 'bucket' | 'account';
  bucket: string | null;
  /** null when CloudTrail did not record the configuration. */
  flags: Partial<Record<PublicAccessBlockFlag, boolean>> | null;
}

export interface AclGrant {
  grantee: string;
  permission: string;
  /** Which public group the grant opens the bucket to, if any. */
  publicGroup: PublicGroup | null;
}

type PublicGroup = 'AllUsers' | 'AuthenticatedUsers';

export type PublicAccessBlockFlag =
  | 'BlockPublicAcls'
  | 'IgnorePublicAcls'
  | 'BlockPublicPolicy'
  | 'RestrictPublicBuckets';
const PUBLIC_ACCESS_BLOCK_FLAGS: readonly PublicAccessBlockFlag[] = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

const PUBLIC_GROUPS: ReadonlyArray<readonly [suffix: string, group: PublicGroup]> = [
  ['/global/AllUsers', 'AllUsers'],
  ['/global/AuthenticatedUsers', 'AuthenticatedUsers'],
];

/** Canned ACLs that grant to a public group. */
const PUBLIC_CANNED_ACLS: Readonly<Record<string, PublicGroup>> = {
  'public-read': 'AllUsers',
  'public-read-write': 'AllUsers',
  'authenticated-read': 'AuthenticatedUsers',
};

const GRANT_HEADERS: Readonly<Record<string, string>> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

function readBucketPolicy(detail: CloudTrailDetail): Extract<S3Action, { kind: 'bucket-policy' }> {
  const request = detail.requestParameters;
  const put = detail.eventName === 'PutBucketPolicy';
  return {
    kind: 'bucket-policy',
    operation: put ? 'put' : 'delete',
    bucket: text(request, 'bucketName'),
    policy: put ? parsePolicyDocument(field(request, 'bucketPolicy')) : null,
  };
}

function readBucketAcl(detail: CloudTrailDetail): Extract<S3Action, { kind: 'bucket-acl' }> {
  const request = detail.requestParameters;
  return {
    kind: 'bucket-acl',
    bucket: text(request, 'bucketName'),
    cannedAcl: firstString(field(request, 'x-amz-acl')),
    grants: readAclGrants(request),
  };
}

function readPublicAccessBlock(detail: CloudTrailDetail): PublicAccessBlockAction {
  const { eventName: name, requestParameters: request } = detail;
  const put = name.startsWith('Put');
  return {
    kind: 'public-access-block',
    operation: put ? 'put' : 'delete',
    scope: name.endsWith('BucketPublicAccessBlock') ? 'bucket' : 'account',
    bucket: text(request, 'bucketName'),
    flags: put ? readPublicAccessBlockFlags(field(request, 'PublicAccessBlockConfiguration')) : null,
  };
}

/** CloudTrail records S3 headers as arrays of strings (`"x-amz-acl": ["private"]`) or as plain strings. */
function firstString(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string' && v !== '') ?? null;
  return null;
}

function readAclGrants(request: unknown): AclGrant[] {
  const grants: AclGrant[] = [];
  const list = field(field(field(request, 'AccessControlPolicy'), 'AccessControlList'), 'Grant');
  for (const grant of items(list)) {
    const grantee = field(grant, 'Grantee');
    const uri = text(grantee, 'URI');
    const who =
      uri ??
      text(grantee, 'DisplayName') ??
      text(grantee, 'EmailAddress') ??
      text(grantee, 'ID') ??
      'unknown grantee';
    grants.push({
      grantee: who,
      permission: text(grant, 'Permission') ?? '?',
      publicGroup: publicGroupOf(uri ?? ''),
    });
  }
  for (const [header, permission] of Object.entries(GRANT_HEADERS)) {
    const value = field(request, header);
    const values = Array.isArray(value) ? value : [value];
    for (const entry of values) {
      if (typeof entry !== 'string' || entry === '') continue;
      // x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers", id="…"
      for (const grantee of entry.split(',')) {
        const trimmed = grantee.trim();
        if (trimmed === '') continue;
        grants.push({ grantee: trimmed, permission, publicGroup: publicGroupOf(trimmed) });
      }
    }
  }
  return grants;
}

function publicGroupOf(grantee: string): PublicGroup | null {
  for (const [suffix, group] of PUBLIC_GROUPS) if (grantee.replace(/"$/, '').endsWith(suffix)) return group;
  return null;
}

function readPublicAccessBlockFlags(
  configuration: unknown,
): Partial<Record<PublicAccessBlockFlag, boolean>> | null {
  if (!isRecord(configuration)) return null;
  const flags: Partial<Record<PublicAccessBlockFlag, boolean>> = {};
  let found = false;
  for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
    const value = bool(configuration, flag);
    if (value !== null) {
      flags[flag] = value;
      found = true;
    }
  }
  return found ? flags : null;
}

const onBucket = (action: { bucket: string | null }): string =>
  action.bucket === null ? '' : ` on bucket ${shortName(action.bucket)}`;

export const s3: ServiceModule<S3Action['kind']> = {
  source: 's3',
  readers: {
    PutBucketPolicy: readBucketPolicy,
    DeleteBucketPolicy: readBucketPolicy,
    PutBucketAcl: readBucketAcl,
    // Account-level settings are S3 Control calls; CloudTrail has logged them under both names.
    PutBucketPublicAccessBlock: readPublicAccessBlock,
    PutAccountPublicAccessBlock: readPublicAccessBlock,
    PutPublicAccessBlock: readPublicAccessBlock,
    DeleteBucketPublicAccessBlock: readPublicAccessBlock,
    DeleteAccountPublicAccessBlock: readPublicAccessBlock,
    DeletePublicAccessBlock: readPublicAccessBlock,
  },
  actions: {
    'bucket-policy': {
      phrase(action) {
        const bucket = `bucket ${shortName(action.bucket ?? '(unknown)')}`;
        if (action.operation === 'delete') return `deleted the bucket policy of ${bucket}`;
        if (action.policy !== null && publicGrants(action.policy).open.length > 0) {
          return `made ${bucket} public with a bucket policy (Principal "*")`;
        }
        return `changed the bucket policy of ${bucket}`;
      },
      target: onBucket,
      details(action, out, { detail }) {
        out.add('Bucket', action.bucket);
        if (action.operation === 'delete') out.add('Bucket policy', 'deleted');
        else addPolicy(out, action.policy, field(detail.requestParameters, 'bucketPolicy'), 'Bucket policy');
      },
      effect: bucketPolicyFindings,
    },
    'bucket-acl': {
      phrase(action) {
        const bucket = `bucket ${shortName(action.bucket ?? '(unknown)')}`;
        const publicGrant = action.grants.find((grant) => grant.publicGroup !== null);
        if (action.cannedAcl !== null && PUBLIC_CANNED_ACLS[action.cannedAcl] !== undefined) {
          return `made ${bucket} public with the ${shortName(action.cannedAcl)} ACL`;
        }
        if (publicGrant !== undefined) {
          return `made ${bucket} public with its ACL (${shortName(publicGrant.permission)} to ${publicGrant.publicGroup})`;
        }
        return `set the ACL of ${bucket}${action.cannedAcl === null ? '' : ` to ${shortName(action.cannedAcl)}`}`;
      },
      target: onBucket,
      details(action, out) {
        out.add('Bucket', action.bucket);
        out.add('Canned ACL', action.cannedAcl);
        out.addEach(
          'Grant',
          action.grants.map((grant) => `${grant.permission} to ${grant.grantee}`),
        );
      },
      effect(action) {
        const bucket = action.bucket ?? 'the bucket';
        const findings: Finding[] = [];
        const cannedGroup = action.cannedAcl === null ? undefined : PUBLIC_CANNED_ACLS[action.cannedAcl];
        if (cannedGroup !== undefined) {
          findings.push({
            severity: 'critical',
            reason: `The ACL of bucket ${bucket} was set to ${action.cannedAcl}, which grants access to ${publicGroupWords(cannedGroup)}.`,
          });
        }
        for (const grant of action.grants) {
          if (grant.publicGroup === null) continue;
          findings.push({
            severity: 'critical',
            reason: `The ACL of bucket ${bucket} grants ${grant.permission} to ${grant.publicGroup} (${publicGroupWords(grant.publicGroup)}).`,
          });
        }
        return findings;
      },
    },
    'public-access-block': {
      phrase(action) {
        const subject =
          action.scope === 'account' ? 'the account' : `bucket ${shortName(action.bucket ?? '(unknown)')}`;
        if (action.operation === 'delete') return `removed the S3 public access block from ${subject}`;
        const flags = action.flags;
        if (flags === null) return `changed the S3 public access block of ${subject}`;
        const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => flags[flag] === false);
        if (off.length > 0) return `turned off ${off.join(', ')} in the S3 public access block of ${subject}`;
        return `set the S3 public access block of ${subject} (public access blocked)`;
      },
      target: (action) => (action.scope === 'account' ? ' on the account' : onBucket(action)),
      details(action, out) {
        out.add(
          action.scope === 'account' ? 'Scope' : 'Bucket',
          action.scope === 'account' ? 'account' : action.bucket,
        );
        if (action.operation === 'delete') {
          out.add('Public access block', 'removed (all four settings off)');
        } else if (action.flags === null) {
          out.add('Settings', 'not recorded by CloudTrail');
        } else {
          for (const flag of PUBLIC_ACCESS_BLOCK_FLAGS) {
            const value = action.flags[flag];
            if (value !== undefined) out.add(flag, value ? 'on' : 'OFF');
          }
        }
      },
      effect: publicAccessBlockFindings,
    },
  },
};

function bucketPolicyFindings(action: Extract<S3Action, { kind: 'bucket-policy' }>): readonly Finding[] {
  if (action.operation !== 'put') return NO_FINDINGS;
  const bucket = action.bucket ?? 'the bucket';
  if (action.policy === null) {
    return [
      {
        severity: 'warning',
        reason: `The new bucket policy of ${bucket} could not be read, so InfraWatch cannot tell whether it makes the bucket public.`,
      },
    ];
  }
  const { open, conditional } = publicGrants(action.policy);
  const findings: Finding[] = [];
  if (open.length > 0) {
    const actions = listSome(unique(open.flatMap((statement) => statement.actions)), 5) || 'access';
    findings.push({
      severity: 'critical',
      reason: `The bucket policy of ${bucket} grants ${actions} to everyone (Principal "*") without a restricting condition: the bucket is public unless S3 Block Public Access stops it.`,
    });
  }
  if (conditional.length > 0) {
    const keys = unique(
      conditional.flatMap((statement) => statement.conditionKeys.filter(isRestrictingConditionKey)),
    );
    findings.push({
      severity: 'warning',
      reason: `The bucket policy of ${bucket} grants access to everyone (Principal "*") only under ${keys.join(', ')}; check that this condition really limits who gets in.`,
    });
  }
  return findings;
}

function publicAccessBlockFindings(action: PublicAccessBlockAction): readonly Finding[] {
  const target = action.scope === 'account' ? 'the account' : `bucket ${action.bucket ?? '(unnamed)'}`;
  if (action.operation === 'delete') {
    return [
      {
        severity: 'critical',
        reason: `The S3 public access block of ${target} was removed: nothing now stops a bucket policy or ACL from making ${action.scope === 'account' ? 'buckets' : 'it'} public.`,
      },
    ];
  }
  if (action.flags === null) {
    return [
      {
        severity: 'warning',
        reason: `The S3 public access block of ${target} was changed but CloudTrail did not record the new settings, so InfraWatch cannot tell whether public access is still blocked.`,
      },
    ];
  }
  const flags = action.flags;
  const off = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => flags[flag] === false);
  if (off.length === 0) return NO_FINDINGS;
  const consequences: string[] = [];
  if (off.includes('BlockPublicPolicy') || off.includes('RestrictPublicBuckets')) {
    consequences.push('public bucket policies can now take effect');
  }
  if (off.includes('BlockPublicAcls') || off.includes('IgnorePublicAcls')) {
    consequences.push('public ACLs can now take effect');
  }
  return [
    {
      severity: 'critical',
      reason: `The S3 public access block of ${target} now has ${off.join(', ')} turned off: ${consequences.join(' and ')}.`,
    },
  ];
}

function publicGroupWords(group: PublicGroup): string {
  return group === 'AllUsers' ? 'everyone on the internet' : 'anyone with an AWS account';
}
