import { shortName } from '../phrases';
import type { ServiceModule } from '../service';

/** AWS Organizations: an account leaving its organization. */
export interface OrganizationsAction {
  kind: 'leave-organization';
}

export const organizations: ServiceModule<OrganizationsAction['kind']> = {
  source: 'organizations',
  readers: { LeaveOrganization: () => ({ kind: 'leave-organization' }) },
  actions: {
    'leave-organization': {
      phrase: (_action, input) => `took account ${shortName(input.account)} out of its AWS Organization`,
      details(_action, out, input) {
        out.add('Account', input.account);
      },
      // The attempt is the signal: nobody tries to leave the organization by accident.
      intent(_action, input) {
        if (input.outcome.ok) {
          return [
            {
              severity: 'critical',
              reason: `Account ${input.account} left its AWS Organization: service control policies, organization trails and central security tooling no longer apply to it.`,
            },
          ];
        }
        return [
          {
            severity: 'critical',
            reason: `Someone tried to take account ${input.account} out of its AWS Organization (${input.outcome.errorCode ?? 'failed'}). Leaving the organization is how an attacker escapes service control policies and central logging; nobody tries it by accident.`,
          },
        ];
      },
    },
  },
};
