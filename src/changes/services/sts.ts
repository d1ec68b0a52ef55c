import { shortName } from '../phrases';
import { arnName, num, text } from '../read';
import type { ServiceModule } from '../service';

/** STS: roles assumed (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity). */
export interface StsAction {
  kind: 'assume-role';
  roleArn: string | null;
  sessionName: string | null;
}

const readAssumeRole = (detail: { requestParameters?: unknown }): StsAction => ({
  kind: 'assume-role',
  roleArn: text(detail.requestParameters, 'roleArn'),
  sessionName: text(detail.requestParameters, 'roleSessionName'),
});

export const sts: ServiceModule<StsAction['kind']> = {
  source: 'sts',
  readers: {
    AssumeRole: readAssumeRole,
    AssumeRoleWithSAML: readAssumeRole,
    AssumeRoleWithWebIdentity: readAssumeRole,
  },
  actions: {
    'assume-role': {
      phrase(action) {
        const role = shortName(action.roleArn === null ? '(unknown role)' : arnName(action.roleArn));
        return `assumed role ${role}${action.sessionName === null ? '' : ` (session ${shortName(action.sessionName)})`}`;
      },
      target: (action) => (action.roleArn === null ? '' : ` on role ${shortName(arnName(action.roleArn))}`),
      details(action, out, { detail }) {
        out.add('Role', action.roleArn);
        out.add('Session name', action.sessionName);
        out.add('Duration', durationWords(num(detail.requestParameters, 'durationSeconds')));
      },
    },
  },
};

function durationWords(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
