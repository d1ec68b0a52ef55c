import type { Actor, Tool } from '../model/change';

/*
 * "Was this you?": which person, if any, a change's actor is. CloudTrail names the caller by IAM identity, not
 * by person, so InfraWatch asks only when the identity says who the person is:
 *
 * 1. an explicit map in configuration: IAM user name or role session name -> Slack user id;
 * 2. an e-mail address as the role session name: IAM Identity Center sets it to the user's sign-in
 *    (`AWSReservedSSO_<permission set>_<hash>/alice@example.com`), and SAML/OIDC brokers and `aws sts
 *    assume-role --role-session-name alice@example.com` often do the same; also an IAM user named by e-mail;
 * 3. nobody otherwise. Shared roles with a non-personal session (`GitHubActions`, `botocore-session-…`,
 *    `i-0abc…`, `terraform`), AWS services (service principals, service-linked roles, calls an AWS service
 *    made on the caller's behalf), root (the account's shared credential: there is no one person behind it),
 *    other accounts, web-identity and SAML principals without a session are never asked.
 *
 * A session name is chosen by whoever assumes the role (Identity Center chooses it itself), so a "Yes" is a
 * statement by the person asked, not proof; that is why it does not acknowledge unless a channel opts in.
 */

/** Slack user ids: `U…` or `W…` (Enterprise Grid). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** An e-mail address as Slack's users.lookupByEmail takes it (a plain `local@domain.tld`, no spaces or brackets). */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** Service-linked roles (`AWSServiceRoleFor…`, under `aws-service-role/`) act for an AWS service, never a person. */
const SERVICE_ROLE = /^AWSServiceRoleFor/i;

/** Who a change's actor maps to: a Slack user id, an e-mail to look up, or nobody (with the reason, for logs and tests). */
export type ActorPerson =
  | { readonly kind: 'slack-user'; readonly userId: string; readonly name: string }
  | { readonly kind: 'email'; readonly email: string; readonly name: string }
  | { readonly kind: 'nobody'; readonly reason: string };

/** The explicit map: IAM user name or role session name (case-insensitive) -> Slack user id. */
export type ActorSlackMap = Readonly<Record<string, string>>;

/**
 * The IAM user name or role session name in an actor's ARN (`arn:aws:iam::1:user/path/alice` -> alice,
 * `arn:aws:sts::1:assumed-role/Role/session` -> role `Role`, session `session`).
 */
function namesOf(actor: Pick<Actor, 'type' | 'arn'>): { role?: string; name: string } | undefined {
  const arn = actor.arn ?? '';
  const resource = arn.split(':').slice(5).join(':');
  if (actor.type === 'IAMUser' && resource.startsWith('user/')) {
    const name = resource.split('/').at(-1);
    return name ? { name } : undefined;
  }
  if (actor.type === 'AssumedRole' && resource.startsWith('assumed-role/')) {
    const [, role, ...session] = resource.split('/');
    const name = session.join('/');
    return role && name ? { role, name } : undefined;
  }
  return undefined;
}

/** Whom to ask "Was this you?" about a change made by `actor` with `tool` (see the header for the rules). */
export function personOfActor(
  actor: Pick<Actor, 'type' | 'arn'>,
  tool: Tool,
  explicit: ActorSlackMap = {},
): ActorPerson {
  if (actor.type === 'Root') return { kind: 'nobody', reason: 'root is the account, not a person' };
  if (actor.type !== 'IAMUser' && actor.type !== 'AssumedRole')
    return { kind: 'nobody', reason: `${actor.type} identities are not people InfraWatch can name` };
  // An AWS service acting with the caller's credentials (CloudFormation, Auto Scaling, …): nobody clicked.
  if (tool === 'aws-service') return { kind: 'nobody', reason: 'an AWS service made the call' };
  const names = namesOf(actor);
  if (!names) return { kind: 'nobody', reason: 'the caller has no IAM user or session name' };
  if (
    names.role !== undefined &&
    (SERVICE_ROLE.test(names.role) || /aws-service-role/i.test(actor.arn ?? ''))
  )
    return { kind: 'nobody', reason: 'a service-linked role acts for an AWS service' };
  const wanted = names.name.toLowerCase();
  const mapped = Object.entries(explicit).find(([name]) => name.toLowerCase() === wanted)?.[1];
  if (mapped !== undefined && SLACK_USER_ID.test(mapped))
    return { kind: 'slack-user', userId: mapped, name: names.name };
  if (names.name.length <= 254 && EMAIL.test(names.name))
    return { kind: 'email', email: names.name.toLowerCase(), name: names.name };
  return {
    kind: 'nobody',
    reason:
      names.role === undefined
        ? 'the IAM user is not in the configured map and is not an e-mail address'
        : 'a shared role: its session name is not an e-mail address or in the configured map',
  };
}
