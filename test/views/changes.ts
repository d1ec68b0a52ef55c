import { toLine } from '../../src/changes/burst';
import type { AlertContent, ChangeLine } from '../../src/model/alert';
import type { Change } from '../../src/model/change';

/**
 * Hand-written changes for renderer tests, with the values of real corpus events
 * (test/fixtures/cloudtrail/ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json,
 * s3.PutBucketPolicy.public.json). Each call returns a fresh object: tests may mutate it.
 */
export function sshOpenToWorld(): Change {
  return structuredClone({
    id: '42155429-7e8e-43b5-9b5e-6953f80d51d5',
    watch: 'security-groups',
    watches: ['security-groups'],
    eventName: 'AuthorizeSecurityGroupIngress',
    service: 'ec2',
    account: '112233445566',
    region: 'us-east-1',
    time: '2020-04-30T04:40:52Z',
    actor: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com',
      display: 'role/Operator (session ryan@example.com)',
      viaConsole: false,
      mfa: false,
    },
    sourceIp: '100.1.114.142',
    userAgent: 'aws-sdk-go/1.24.1 (go1.14; darwin; amd64)',
    tool: 'sdk',
    resources: [{ type: 'security-group', id: 'sg-0d921df5d84f7270a' }],
    outcome: { ok: true },
    severity: 'critical',
    reasons: [
      'tcp/22 (SSH) is open to the whole internet (0.0.0.0/0) on sg-0d921df5d84f7270a; admin and database ports facing the internet are found by scanners within minutes.',
    ],
    summary:
      'role/Operator (session ryan@example.com) opened tcp/22 to the internet (0.0.0.0/0) on sg-0d921df5d84f7270a in us-east-1',
    details: [
      { label: 'Security group', value: 'sg-0d921df5d84f7270a' },
      { label: 'Rule', value: '+ tcp/22 from 0.0.0.0/0' },
    ],
    readOnly: false,
    dryRun: false,
  } satisfies Change);
}

const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Public Access',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:GetBucketAcl',
      Resource: 'arn:aws:s3:::example-bucket',
    },
  ],
};

export function publicBucketPolicy(): Change {
  return structuredClone({
    id: '1111',
    watch: 's3',
    watches: ['s3'],
    eventName: 'PutBucketPolicy',
    service: 's3',
    account: '123456789012',
    region: 'us-west-2',
    time: '2019-01-01T00:00:00Z',
    actor: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/example-role/example-user',
      display: 'role/example-role (session example-user)',
      viaConsole: true,
      mfa: true,
    },
    sourceIp: '111.111.111.111',
    userAgent: '[S3Console/0.4]',
    tool: 'console',
    resources: [{ type: 'bucket', id: 'example-bucket' }],
    outcome: { ok: true },
    severity: 'critical',
    reasons: [
      'The bucket policy of example-bucket grants s3:GetBucketAcl to everyone (Principal "*") without a restricting condition.',
    ],
    summary:
      'role/example-role (session example-user) made bucket example-bucket public with a bucket policy',
    details: [
      { label: 'Bucket', value: 'example-bucket' },
      { label: 'Bucket policy', value: JSON.stringify(POLICY, null, 2) },
    ],
    readOnly: false,
    dryRun: false,
  } satisfies Change);
}

/** The same change denied (UnauthorizedOperation), as EC2 records it. */
export function deniedIngress(): Change {
  const change = sshOpenToWorld();
  change.outcome = {
    ok: false,
    errorCode: 'Client.UnauthorizedOperation',
    errorMessage: 'You are not authorized to perform this operation.',
  };
  change.severity = 'warning';
  change.reasons = ['The call was denied: nothing changed, but someone tried to open SSH to the internet.'];
  return change;
}

/** A burst of `count` changes by the lead's actor, one per second from the lead's time. */
export function burstOf(
  lead: Change,
  count: number,
  lineAt: (index: number, time: string) => Partial<ChangeLine> = () => ({}),
): AlertContent {
  const start = Date.parse(lead.time);
  const lines = Array.from({ length: count }, (_, index) => {
    const time = new Date(start + index * 1000).toISOString().replace('.000Z', 'Z');
    const base = index === 0 ? toLine(lead) : { ...toLine(lead), id: `${lead.id}-${index}`, time };
    return { ...base, ...lineAt(index, time) };
  });
  return {
    id: 'a1b2c3d4e5f6a7b8c9d0e1f2',
    channel: 'C0123456789',
    watch: lead.watch,
    lead,
    lines,
    severity: lead.severity,
    status: 'open',
  };
}
