import type { TrailAction } from './services/cloudtrail';
import type { Ec2Action } from './services/ec2';
import type { GenericAction } from './services/generic';
import type { IamAction } from './services/iam';
import type { OrganizationsAction } from './services/organizations';
import type { RouteTableAction } from './services/route-tables';
import type { S3Action } from './services/s3';
import type { SecurityGroupAction } from './services/security-groups';
import type { SignInAction } from './services/signin';
import type { StsAction } from './services/sts';
import type { VpcAction } from './services/vpc';

/**
 * What a CloudTrail event did, read once from its parameters and response so that details, severity and summary
 * agree. Each service module declares its own kinds; events InfraWatch has no specific reading for are `generic`.
 */
export type Action =
  | SecurityGroupAction
  | Ec2Action
  | VpcAction
  | RouteTableAction
  | S3Action
  | IamAction
  | TrailAction
  | SignInAction
  | StsAction
  | OrganizationsAction
  | GenericAction;

export type ActionKind = Action['kind'];

/** The action of one kind: `ActionOf<'trail'>` is the CloudTrail trail action. */
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;
