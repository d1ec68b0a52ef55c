import type { Severity } from './severity';

/** Which kind of CloudTrail identity made the call (`userIdentity.type`, plus `unknown`). */
export type ActorType =
  | 'Root'
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'IdentityCenterUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'WebIdentityUser'
  | 'SAMLUser'
  | 'Unknown';

export interface Actor {
  type: ActorType;
  /** The caller's ARN when CloudTrail recorded one. */
  arn: string | null;
  /** What an engineer would call them: `alice`, `role/Deployer (session bob@example.com)`, `root`. */
  display: string;
  /** The call came from the AWS console (sign-in, or a console session). */
  viaConsole: boolean;
  /** MFA was used for the session / sign-in, when CloudTrail says so; null when unknown. */
  mfa: boolean | null;
}

export type Tool =
  | 'console'
  | 'cli'
  | 'terraform'
  | 'cloudformation'
  | 'cdk'
  | 'pulumi'
  | 'sdk'
  | 'aws-service'
  | 'unknown';

export interface ResourceRef {
  /** e.g. `security-group`, `instance`, `vpc`, `route-table`, `bucket`, `iam-user`, `iam-role`, `iam-policy`, `trail`. */
  type: string;
  id: string;
}

export interface Outcome {
  ok: boolean;
  errorCode?: string;
  errorMessage?: string;
}

export interface Detail {
  label: string;
  value: string;
}

/** One CloudTrail event described the way an engineer would. Every string in it is raw (not escaped). */
export interface Change {
  /** CloudTrail `eventID`: the idempotency key of the whole pipeline. */
  id: string;
  /** Primary watch id (first matching watch), or null when no watch matches. */
  watch: string | null;
  /** Every matching watch id, primary first. */
  watches: string[];
  eventName: string;
  /** e.g. `ec2`, `iam`, `s3`, `signin` (the EventBridge `source` without `aws.`). */
  service: string;
  account: string;
  region: string;
  /** ISO-8601 time of the call (CloudTrail `eventTime`). */
  time: string;
  actor: Actor;
  sourceIp: string | null;
  userAgent: string | null;
  tool: Tool;
  resources: ResourceRef[];
  outcome: Outcome;
  severity: Severity;
  /** Why that severity, as human sentences. */
  reasons: string[];
  /** One line, e.g. "alice opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc in us-east-1". */
  summary: string;
  details: Detail[];
  /** The call was read-only (never alerted on). */
  readOnly: boolean;
  /** EC2 dry run (errorCode Client.DryRunOperation). */
  dryRun: boolean;
}
