import { shortName } from '../phrases';
import { field, text, toBool } from '../read';
import { NO_FINDINGS, ROOT_UNRESTRICTED, type ServiceModule } from '../service';

/** AWS console sign-ins: root sign-ins, sign-ins without MFA, failed attempts. */
export interface SignInAction {
  kind: 'console-login';
  success: boolean;
  mfaUsed: boolean | null;
}

/** Identity types that sign in with an IAM password, where CloudTrail's MFAUsed is meaningful. */
const PASSWORD_SIGN_IN: ReadonlySet<string> = new Set(['IAMUser']);

export const signIn: ServiceModule<SignInAction['kind']> = {
  source: 'signin',
  readers: {
    ConsoleLogin: (detail) => ({
      kind: 'console-login',
      success: text(detail.responseElements, 'ConsoleLogin') !== 'Failure',
      mfaUsed: toBool(field(detail.additionalEventData, 'MFAUsed')),
    }),
  },
  actions: {
    'console-login': {
      failureIsTheEvent: true,
      phrase(action, input) {
        const from = input.sourceIp === null ? '' : ` from ${shortName(input.sourceIp)}`;
        if (!action.success) {
          const why =
            input.outcome.errorMessage === undefined ? '' : ` (${shortName(input.outcome.errorMessage)})`;
          return `failed to sign in to the console${from}${why}`;
        }
        // For federated sign-ins MFA happens at the identity provider; CloudTrail's MFAUsed says nothing about it.
        const passwordSignIn = input.actor.type === 'IAMUser' || input.actor.type === 'Root';
        const mfa =
          !passwordSignIn || action.mfaUsed === null ? '' : action.mfaUsed ? ' with MFA' : ' without MFA';
        return `signed in to the console${mfa}${from}`;
      },
      details(action, out, { detail }) {
        out.add('Result', action.success ? 'Success' : 'Failure');
        out.add(
          'MFA used',
          detail.userIdentity.type === 'IAMUser' || detail.userIdentity.type === 'Root'
            ? action.mfaUsed === null
              ? null
              : action.mfaUsed
                ? 'yes'
                : 'no'
            : 'not recorded (the identity provider handles MFA)',
        );
        out.add('Signing in to', text(detail.additionalEventData, 'LoginTo'));
      },
      intent(action, input) {
        const { actor } = input;
        // Root sign-ins are rated by rootUse below.
        if (actor.type === 'Root') return NO_FINDINGS;
        if (!action.success) {
          const why = input.outcome.errorMessage === undefined ? '' : ` (${input.outcome.errorMessage})`;
          return [
            {
              severity: 'warning',
              reason: `A console sign-in as ${actor.display} failed${why}; repeated failures point to password guessing.`,
            },
          ];
        }
        if (PASSWORD_SIGN_IN.has(actor.type) && action.mfaUsed === false) {
          return [
            {
              severity: 'warning',
              reason: `${actor.display} signed in to the console with a password only (no MFA); a leaked password is enough to take over this user.`,
            },
          ];
        }
        if (PASSWORD_SIGN_IN.has(actor.type) && action.mfaUsed === true) {
          return [
            {
              severity: 'info',
              reason: `${actor.display} signed in to the console with a password and MFA.`,
            },
          ];
        }
        if (actor.type === 'AssumedRole' || actor.type === 'FederatedUser' || actor.type === 'SAMLUser') {
          return [
            {
              severity: 'info',
              reason:
                'Federated console sign-in: MFA, if any, is enforced by the identity provider and not recorded by CloudTrail.',
            },
          ];
        }
        return NO_FINDINGS;
      },
      rootUse(action, input) {
        if (!action.success) {
          const why = input.outcome.errorMessage === undefined ? '' : ` (${input.outcome.errorMessage})`;
          return [
            {
              severity: 'critical',
              reason: `Someone failed to sign in to the console as root${why}. Failed root sign-ins suggest password guessing against the account's most powerful identity.`,
            },
          ];
        }
        const mfa = input.actor.mfa === false ? ' without MFA' : input.actor.mfa === true ? ' with MFA' : '';
        return [
          {
            severity: 'critical',
            reason: `The root user signed in to the console${mfa}. ${ROOT_UNRESTRICTED}`,
          },
        ];
      },
    },
  },
};
