/**
 * Evasion: what an attacker does to make a dangerous change pass unseen, through the real events handler, the
 * routing of mutes set with `/infrawatch mute` through the Lambda receiver, and DynamoDB. Two kinds of attack:
 * - rating: world-open ingress in pieces, a prefix list opened instead of a rule, administrator access under
 *   other names, guardrails taken away through Organizations: each change must be stored with the severity the
 *   README's table promises and posted;
 * - mute scope: a mute of an actor by name covers that name in the accounts it names only; an ARN mute covers
 *   that identity; names that only look alike (case aside: IAM names are case-insensitive), a longer name, a
 *   role session named like the muted user or another account's user of the same name are posted.
 * A change that should have been posted and was muted counts as lost; one posted that a mute covers counts
 * as a duplicate (the mute did not hold). Every case is listed with what went wrong.
 */
import { createEventsHandler } from '../../app/lambda/events';
import { describeChange } from '../../src/changes/describe';
import type { Severity } from '../../src/model/severity';
import { corpusEvent, type EventBridgeEvent, variant } from '../helpers/events';
import { ALERTS_CHANNEL, ALICE, useSlackHarness } from '../helpers/slack-app';
import { slashCommand } from '../helpers/slack-requests';
import { deliverUntilDone, reportFigures } from './harness';

const PROD = '111111111111';
const OTHER = '222222222222';
const SANDBOX = '333333333333';

type Who = { type: 'IAMUser'; name: string } | { type: 'AssumedRole'; role: string; session: string };

/** The event as made by `who` in `account` (CloudTrail's userIdentity shape for each), eventID `index`. */
function madeBy(event: EventBridgeEvent, index: number, who: Who, account: string): EventBridgeEvent {
  const copy = variant(event, index, new Date(Date.UTC(2026, 10, 30, 12, 0, index)).toISOString());
  copy.account = account;
  copy.detail.recipientAccountId = account;
  copy.detail.userIdentity =
    who.type === 'IAMUser'
      ? {
          type: 'IAMUser',
          principalId: `AIDA${index}EXAMPLE`,
          arn: `arn:aws:iam::${account}:user/${who.name}`,
          accountId: account,
          accessKeyId: `AKIA${index}EXAMPLE`,
          userName: who.name,
        }
      : {
          type: 'AssumedRole',
          principalId: `AROA${index}EXAMPLE:${who.session}`,
          arn: `arn:aws:sts::${account}:assumed-role/${who.role}/${who.session}`,
          accountId: account,
          accessKeyId: `ASIA${index}EXAMPLE`,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: `AROA${index}EXAMPLE`,
              arn: `arn:aws:iam::${account}:role/${who.role}`,
              accountId: account,
              userName: who.role,
            },
            attributes: { creationDate: '2026-11-30T11:00:00Z', mfaAuthenticated: 'false' },
          },
        };
  return copy;
}

/** The fixture's call with other parameters (and no error). */
function withRequest(file: string, eventName: string, request: Record<string, unknown>): EventBridgeEvent {
  const event = corpusEvent(file);
  event.detail.eventName = eventName;
  event.detail.requestParameters = request;
  delete event.detail.errorCode;
  delete event.detail.errorMessage;
  return event;
}

interface EvasionCase {
  name: string;
  event: EventBridgeEvent;
  severity: Severity;
  /** The mute that must cover it in the alerts channel, as the delivery record names it; absent: posted. */
  mutedBy?: string;
}

const SSH_WORLD = 'ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json';
const SSH_PIECE = (cidr: string) =>
  withRequest(SSH_WORLD, 'AuthorizeSecurityGroupIngress', {
    groupId: 'sg-0d921df5d84f7270a',
    ipPermissions: {
      items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: cidr }] } }],
    },
  });
const policyJson = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

function evasionCases(): EvasionCase[] {
  let index = 1000;
  const as = (file: string | EventBridgeEvent, who: Who, account: string) =>
    madeBy(typeof file === 'string' ? corpusEvent(file) : file, index++, who, account);
  const user = (name: string): Who => ({ type: 'IAMUser', name });
  const muteByName = `actor:terraform-ci account:prod`;
  const muteByArn = `actor:arn:aws:iam::${PROD}:user/deployer`;
  const alice = user('alice');
  return [
    // Mute scope.
    {
      name: 'the muted name in its account',
      event: as(SSH_WORLD, user('terraform-ci'), PROD),
      severity: 'critical',
      mutedBy: muteByName,
    },
    {
      name: 'the muted name in another account',
      event: as(SSH_WORLD, user('terraform-ci'), OTHER),
      severity: 'critical',
    },
    // IAM user names are unique regardless of case: Terraform-CI in prod is the muted user.
    {
      name: 'the muted name in other case, same account',
      event: as(SSH_WORLD, user('Terraform-CI'), PROD),
      severity: 'critical',
      mutedBy: muteByName,
    },
    {
      name: 'the muted name in other case, another account',
      event: as(SSH_WORLD, user('Terraform-CI'), OTHER),
      severity: 'critical',
    },
    {
      name: 'the muted name with a zero-width space',
      event: as(SSH_WORLD, user('terraform\u200Bci'), PROD),
      severity: 'critical',
    },
    {
      name: 'the muted name with a Cyrillic s',
      event: as(SSH_WORLD, user('terraform-\u0441i'), PROD),
      severity: 'critical',
    },
    {
      name: 'a longer name starting with the muted one',
      event: as(SSH_WORLD, user('terraform-ci-admin'), PROD),
      severity: 'critical',
    },
    {
      name: 'a role session named like the muted user',
      event: as(SSH_WORLD, { type: 'AssumedRole', role: 'Attacker', session: 'terraform-ci' }, PROD),
      severity: 'critical',
    },
    {
      name: 'a role named like the muted user',
      event: as(SSH_WORLD, { type: 'AssumedRole', role: 'terraform-ci', session: 'x' }, PROD),
      severity: 'critical',
    },
    {
      name: 'the ARN-muted user',
      event: as(SSH_WORLD, user('deployer'), PROD),
      severity: 'critical',
      mutedBy: muteByArn,
    },
    {
      name: 'the ARN-muted name in another account',
      event: as(SSH_WORLD, user('deployer'), OTHER),
      severity: 'critical',
    },
    {
      name: 'anyone in the muted account',
      event: as(SSH_WORLD, alice, SANDBOX),
      severity: 'critical',
      mutedBy: `account:${SANDBOX}`,
    },
    // Rating: world-open in pieces, prefix lists, administrator access by another name, SCPs.
    {
      name: 'SSH to 0.0.0.0/1 + 128.0.0.0/1',
      event: as('ec2.AuthorizeSecurityGroupIngress.ssh-split-halves.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'SSH to ::/1 + 8000::/1 as two rules',
      event: as('ec2.AuthorizeSecurityGroupIngress.ipv6-split-rules.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'SSH to ::0.0.0.0/0',
      event: as(
        withRequest(SSH_WORLD, 'AuthorizeSecurityGroupIngress', {
          groupId: 'sg-0d921df5d84f7270a',
          ipPermissions: {
            items: [
              {
                ipProtocol: '6',
                fromPort: 0,
                toPort: 65535,
                ipv6Ranges: { items: [{ cidrIpv6: '::0.0.0.0/0' }] },
              },
            ],
          },
        }),
        alice,
        OTHER,
      ),
      severity: 'critical',
    },
    {
      name: '0.0.0.0/0 added to a prefix list',
      event: as('ec2.ModifyManagedPrefixList.open-world.json', alice, OTHER),
      severity: 'warning',
    },
    {
      name: 'AdministratorAccess attached',
      event: as('iam.AttachUserPolicy.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'a URL-encoded default policy version with iam:*',
      event: as('iam.CreatePolicyVersion.urlencoded.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'NotAction on every resource',
      event: as('iam.PutUserPolicy.notaction.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'iam:PutUserPolicy on its own holder',
      event: as(
        withRequest('iam.PutUserPolicy.notaction.json', 'PutUserPolicy', {
          userName: 'mallory',
          policyName: 'self-service',
          policyDocument: policyJson({
            Effect: 'Allow',
            Action: 'iam:PutUserPolicy',
            Resource: `arn:aws:iam::${OTHER}:user/mallory`,
          }),
        }),
        alice,
        OTHER,
      ),
      severity: 'critical',
    },
    {
      name: 'a managed policy switched to another version',
      event: as(
        withRequest('iam.PutUserPolicy.notaction.json', 'SetDefaultPolicyVersion', {
          policyArn: `arn:aws:iam::${OTHER}:policy/deploy`,
          versionId: 'v2',
        }),
        alice,
        OTHER,
      ),
      severity: 'warning',
    },
    {
      name: 'service control policies switched off',
      event: as('organizations.DisablePolicyType.scp.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'an SCP rewritten to allow everything',
      event: as('organizations.UpdatePolicy.allow-all.json', alice, OTHER),
      severity: 'critical',
    },
    {
      name: 'an SCP detached',
      event: as(
        withRequest('organizations.LeaveOrganization.stratus.json', 'DetachPolicy', {
          policyId: 'p-guard',
          targetId: 'ou-ab12-prod',
        }),
        alice,
        OTHER,
      ),
      severity: 'warning',
    },
  ];
}

describe('evasion (dynalite)', () => {
  const harnesses = useSlackHarness('dynalite');

  it('rates every disguised change as the rules say, and mutes only what a mute names', async () => {
    // Prepare: the channel sees every watch; the mutes are set as a person sets them.
    const harness = await harnesses.start({ env: { ACCOUNT_ALIASES: JSON.stringify({ [PROD]: 'prod' }) } });
    const commands = [
      'subscribe all',
      'mute actor:terraform-ci account:prod for 2h',
      `mute actor:arn:aws:iam::${PROD}:user/deployer for 2h`,
      `mute account:${SANDBOX} for 2h`,
      // A name alone would also cover the same name in every other account: refused.
      'mute actor:deployer for 2h',
    ];
    for (const text of commands) await harness.send(slashCommand(text, ALICE, ALERTS_CHANNEL), 'lambda');
    const mutes = (await harness.store.config.load(new Date().toISOString())).mutes;
    const problems: string[] = [];
    if (mutes.length !== 3) problems.push(`expected 3 mutes, found ${JSON.stringify(mutes)}`);
    const cases = evasionCases();
    // SSH opened one /8 per call by one person within seconds: a warning each, gathered in one alert.
    const pieces = ['1.0.0.0/8', '2.0.0.0/8', '3.0.0.0/8'].map((cidr, i) =>
      madeBy(SSH_PIECE(cidr), 2000 + i, { type: 'IAMUser', name: 'eve' }, OTHER),
    );

    // Act
    const events = createEventsHandler(harness.env, { log: { info() {}, warn() {}, error() {} } });
    const queue = await deliverUntilDone({
      handlers: [events],
      bodies: [...cases.map((c) => c.event), ...pieces],
      batchSize: 5,
      concurrency: 1,
    });

    // Assess
    const figures = {
      cases: cases.length + pieces.length,
      posted: 0,
      muted: 0,
      wrongSeverity: 0,
      lost: 0,
      duplicates: 0,
    };
    for (const evasion of [
      ...cases,
      ...pieces.map((event, i) => ({ name: `SSH piece ${i + 1} of 3`, event, severity: 'warning' as const })),
    ]) {
      const id = describeChange(evasion.event).id;
      const stored = (await harness.store.changes.get(id))?.change;
      const delivery = await harness.store.deliveries.get(id, ALERTS_CHANNEL);
      if (stored?.severity !== evasion.severity) {
        figures.wrongSeverity += 1;
        problems.push(
          `${evasion.name}: stored as ${stored?.severity}, the rules say ${evasion.severity} (${stored?.reasons[0]})`,
        );
      }
      const mutedBy = 'mutedBy' in evasion ? evasion.mutedBy : undefined;
      if (delivery?.kind === 'muted') {
        figures.muted += 1;
        if (mutedBy === undefined) {
          figures.lost += 1;
          problems.push(`${evasion.name}: hidden by ${delivery.mute}`);
        } else if (delivery.mute !== mutedBy)
          problems.push(`${evasion.name}: muted by ${delivery.mute}, not ${mutedBy}`);
      } else if (delivery?.kind === 'alert') {
        figures.posted += 1;
        if (mutedBy !== undefined) {
          figures.duplicates += 1;
          problems.push(`${evasion.name}: posted although ${mutedBy} covers it`);
        }
      } else {
        figures.lost += 1;
        problems.push(`${evasion.name}: no delivery in ${ALERTS_CHANNEL}`);
      }
    }
    const pieceAlerts = new Set(
      await Promise.all(
        pieces.map(async (event) => {
          const delivery = await harness.store.deliveries.get(describeChange(event).id, ALERTS_CHANNEL);
          return delivery?.kind === 'alert' ? delivery.alertId : '';
        }),
      ),
    );
    if (pieceAlerts.size !== 1)
      problems.push(`the three SSH pieces are in ${pieceAlerts.size} alerts, not one`);
    reportFigures(
      'evasion',
      { ...figures, mutes: mutes.length, invocations: queue.invocations, retries: queue.retries },
      problems,
    );
  }, 60_000);
});
