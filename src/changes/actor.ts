import type { CloudTrailDetail, UserIdentity } from '../events/cloudtrail';
import type { Actor, ActorType } from '../model/change';
import { arnName, clip, field, toBool } from './read';

const ACTOR_TYPES: ReadonlySet<string> = new Set<ActorType>([
  'Root',
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'IdentityCenterUser',
  'AWSService',
  'AWSAccount',
  'WebIdentityUser',
  'SAMLUser',
]);

/** CloudTrail's placeholder for a sign-in with a mistyped user name (it may be a password typed in the wrong box). */
const HIDDEN_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';

// Names come from the event; a role session name is at most 64 characters and a SAML subject 256, so this bound
// only bites on forged or corrupt records.
const MAX_NAME = 128;

/** IAM Identity Center permission-set roles: `AWSReservedSSO_<permission set>_<16 hex>`. */
const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

/** The service of a service-linked role, from its path `role/aws-service-role/<service>/<name>`. */
const SERVICE_LINKED_ROLE = /:role\/aws-service-role\/([^/]+)\//;

/** Identity types whose console sign-in goes through an external identity provider. */
const FEDERATED_SIGN_IN: ReadonlySet<string> = new Set([
  'AssumedRole',
  'FederatedUser',
  'SAMLUser',
  'WebIdentityUser',
]);

/** The console hosts that appear as `invokedBy`/`userAgent` for calls made from a console session. */
const CONSOLE_HOST = /^(signin|console(\.[a-z0-9-]+)?)\.amazonaws\.com$/;

/**
 * Who made the call, named the way an engineer would: `alice`, `role/Deployer (session bob@example.com)`,
 * `alice@corp (SSO AdministratorAccess)`, `root`, `AWS service autoscaling.amazonaws.com`.
 */
export function describeActor(detail: CloudTrailDetail): Actor {
  const identity = detail.userIdentity;
  const rawType = identity.type ?? '';
  const type: ActorType = ACTOR_TYPES.has(rawType) ? (rawType as ActorType) : 'Unknown';
  return {
    type,
    arn: nonEmpty(identity.arn),
    display: withInvoker(type, identity, displayName(type, identity)),
    viaConsole: isConsoleSession(detail),
    mfa: mfaUsed(detail),
  };
}

/**
 * The AWS service that made the call on the account's behalf (`userIdentity.invokedBy`), when it is a service
 * rather than the console. Old Auto Scaling launches are recorded as the root identity invoked by
 * `autoscaling.amazonaws.com`: no person used root credentials for those.
 */
export function invokingService(identity: UserIdentity): string | null {
  const invokedBy = nonEmpty(identity.invokedBy);
  if (invokedBy === null || CONSOLE_HOST.test(invokedBy)) return null;
  return invokedBy;
}

/** The service owning a service-linked role the caller assumed, e.g. `autoscaling.amazonaws.com`. */
export function serviceLinkedRoleService(identity: UserIdentity): string | null {
  const issuerArn = nonEmpty(identity.sessionContext?.sessionIssuer?.arn) ?? nonEmpty(identity.arn) ?? '';
  return SERVICE_LINKED_ROLE.exec(issuerArn)?.[1] ?? null;
}

/**
 * `root (via autoscaling.amazonaws.com)`: an AWS service acted with this identity's credentials, which matters
 * when reading "root launched 2 instances".
 */
function withInvoker(type: ActorType, identity: UserIdentity, display: string): string {
  if (type === 'AWSService' || type === 'Unknown') return display;
  const service = invokingService(identity);
  if (service === null || display.includes(service)) return display;
  const via = `via ${clip(service, MAX_NAME)}`;
  return display.endsWith(')') ? `${display.slice(0, -1)}, ${via})` : `${display} (${via})`;
}

function displayName(type: ActorType, identity: UserIdentity): string {
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return iamUserName(identity);
    case 'AssumedRole':
      return assumedRoleName(identity);
    case 'FederatedUser':
      return federatedUserName(identity);
    case 'AWSService': {
      const service = nonEmpty(identity.invokedBy);
      return service === null ? 'an AWS service' : `AWS service ${clip(service, MAX_NAME)}`;
    }
    case 'AWSAccount': {
      const account = nonEmpty(identity.accountId);
      const principal = nonEmpty(identity.principalId);
      const who = account === null ? 'another AWS account' : `AWS account ${clip(account, MAX_NAME)}`;
      return principal === null || principal === account
        ? who
        : `${who} (principal ${clip(principal, MAX_NAME)})`;
    }
    case 'IdentityCenterUser': {
      const name = nonEmpty(identity.userName) ?? nonEmpty(identity.onBehalfOf?.userId);
      return name === null ? 'an Identity Center user' : `Identity Center user ${clip(name, MAX_NAME)}`;
    }
    case 'WebIdentityUser':
    case 'SAMLUser': {
      const name = nonEmpty(identity.userName) ?? nonEmpty(identity.principalId) ?? 'unknown user';
      const provider = nonEmpty(identity.identityProvider);
      const kind = type === 'SAMLUser' ? 'SAML user' : 'web identity user';
      const suffix = provider === null ? '' : ` (${clip(provider, MAX_NAME)})`;
      return `${kind} ${clip(name, MAX_NAME)}${suffix}`;
    }
    case 'Unknown':
      return unknownName(identity);
  }
}

function iamUserName(identity: UserIdentity): string {
  const name = nonEmpty(identity.userName);
  if (name === HIDDEN_NAME) return 'an unknown IAM user (name hidden by CloudTrail)';
  if (name !== null) return clip(name, MAX_NAME);
  const arn = nonEmpty(identity.arn);
  if (arn !== null) return clip(arnName(arn), MAX_NAME);
  const principal = nonEmpty(identity.principalId);
  return principal === null ? 'an IAM user' : `IAM user ${clip(principal, MAX_NAME)}`;
}

function assumedRoleName(identity: UserIdentity): string {
  const issuer = identity.sessionContext?.sessionIssuer;
  // arn:aws:sts::<account>:assumed-role/<role>/<session>; role paths are not part of this ARN.
  const { role: arnRole, session: arnSession } = parseAssumedRoleArn(nonEmpty(identity.arn));
  const issuerArn = nonEmpty(issuer?.arn);
  const role = arnRole ?? nonEmpty(issuer?.userName) ?? (issuerArn === null ? null : arnName(issuerArn));
  const session = arnSession ?? sessionFromPrincipal(identity.principalId);

  const linkedService = serviceLinkedRoleService(identity);
  if (linkedService !== null) {
    return `AWS service ${clip(linkedService, MAX_NAME)} (role ${clip(role ?? 'unknown', MAX_NAME)})`;
  }
  const sso = role === null ? null : SSO_ROLE.exec(role);
  if (sso?.[1] !== undefined) {
    const permissionSet = clip(sso[1], MAX_NAME);
    return session === null ? `SSO ${permissionSet}` : `${clip(session, MAX_NAME)} (SSO ${permissionSet})`;
  }
  if (role === null) {
    return session === null ? 'an assumed role' : `an assumed role (session ${clip(session, MAX_NAME)})`;
  }
  const roleName = `role/${clip(role, MAX_NAME)}`;
  return session === null ? roleName : `${roleName} (session ${clip(session, MAX_NAME)})`;
}

function federatedUserName(identity: UserIdentity): string {
  // arn:aws:sts::<account>:federated-user/<name>; the session issuer is the IAM user that called GetFederationToken.
  const arn = nonEmpty(identity.arn);
  const name = arn === null ? sessionFromPrincipal(identity.principalId) : arnName(arn);
  const issuer = nonEmpty(identity.sessionContext?.sessionIssuer?.userName);
  const who = `federated-user/${clip(name ?? 'unknown', MAX_NAME)}`;
  return issuer === null ? who : `${who} (issued by ${clip(issuer, MAX_NAME)})`;
}

function unknownName(identity: UserIdentity): string {
  const arn = nonEmpty(identity.arn);
  if (arn !== null) return clip(arn, MAX_NAME);
  const name = nonEmpty(identity.userName) ?? nonEmpty(identity.principalId);
  if (name !== null) return clip(name, MAX_NAME);
  const service = nonEmpty(identity.invokedBy);
  return service === null ? 'an unknown caller' : `AWS service ${clip(service, MAX_NAME)}`;
}

const ASSUMED_ROLE = ':assumed-role/';

function parseAssumedRoleArn(arn: string | null): { role: string | null; session: string | null } {
  const start = arn === null ? -1 : arn.indexOf(ASSUMED_ROLE);
  if (arn === null || start < 0) return { role: null, session: null };
  const rest = arn.slice(start + ASSUMED_ROLE.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return { role: nonEmpty(rest), session: null };
  return { role: nonEmpty(rest.slice(0, slash)), session: nonEmpty(rest.slice(slash + 1)) };
}

/** `AROA…:session-name` -> `session-name`. */
function sessionFromPrincipal(principalId: string | null | undefined): string | null {
  const principal = nonEmpty(principalId);
  if (principal === null) return null;
  const colon = principal.indexOf(':');
  return colon >= 0 ? nonEmpty(principal.slice(colon + 1)) : null;
}

function isConsoleSession(detail: CloudTrailDetail): boolean {
  if (detail.eventName === 'ConsoleLogin') return true;
  if (toBool(detail.sessionCredentialFromConsole) === true) return true;
  // A service acting for the caller (CloudFormation, Auto Scaling) is not a console session, whatever agent it sent.
  if (invokingService(detail.userIdentity) !== null) return false;
  const invokedBy = nonEmpty(detail.userIdentity.invokedBy);
  if (invokedBy !== null && CONSOLE_HOST.test(invokedBy)) return true;
  const agent = nonEmpty(detail.userAgent);
  // Some consoles (S3, CloudTrail) call APIs straight from the browser, with its user agent.
  return agent !== null && (CONSOLE_HOST.test(agent) || /^\[?S3Console\/|^Mozilla\//.test(agent));
}

/**
 * MFA as CloudTrail records it: `MFAUsed` on sign-in events, `sessionContext.attributes.mfaAuthenticated` on API
 * calls made with session credentials. Long-term access keys carry neither, so MFA is unknown (null) for them.
 */
function mfaUsed(detail: CloudTrailDetail): boolean | null {
  if (detail.eventName === 'ConsoleLogin') {
    // Federated sign-ins (IAM Identity Center, SAML, custom brokers) authenticate at the identity provider;
    // CloudTrail still writes MFAUsed "No", which says nothing about the real MFA.
    if (FEDERATED_SIGN_IN.has(detail.userIdentity.type ?? '')) return null;
    const used = toBool(field(detail.additionalEventData, 'MFAUsed'));
    if (used !== null) return used;
  }
  return toBool(detail.userIdentity.sessionContext?.attributes?.mfaAuthenticated);
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}
