import { toLine } from '../../src/changes/burst';
import type { Change } from '../../src/model/change';

let counter = 0;

/** A plausible Change for store and use-case tests; override what the test is about. */
export function makeChange(overrides: Partial<Change> = {}): Change {
  counter += 1;
  const id = overrides.id ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return {
    id,
    watch: 'security-groups',
    watches: ['security-groups'],
    eventName: 'AuthorizeSecurityGroupIngress',
    service: 'ec2',
    account: '123456789012',
    region: 'us-east-1',
    time: '2026-11-27T10:00:00Z',
    actor: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/alice',
      display: 'alice',
      viaConsole: false,
      mfa: null,
    },
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    tool: 'cli',
    resources: [{ type: 'security-group', id: 'sg-0abc' }],
    outcome: { ok: true },
    severity: 'info',
    reasons: [],
    summary: `alice changed sg-0abc (${id})`,
    details: [{ label: 'Rule', value: '+ tcp/443 from 10.0.0.0/8' }],
    readOnly: false,
    dryRun: false,
    ...overrides,
  };
}

/** What an alert keeps of a change (the production mapping). */
export const lineOf = toLine;
