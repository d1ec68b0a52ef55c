import { MANIFEST_PLACEHOLDER_URL, manifestFor, readManifest } from '../../app/manifest';
import { describeChange } from '../../src/changes/describe';
import { COMMAND_USAGE, SLASH_COMMAND } from '../../src/commands/parse';
import {
  renderAckNoteModal,
  renderActorQuestion,
  renderAlert,
  renderDigest,
  renderInvestigateModal,
} from '../../src/views';
import { lineOf } from '../helpers/changes';
import { corpusEvent } from '../helpers/events';
import { ALERTS_CHANNEL, ALICE, useSlackHarness } from '../helpers/slack-app';
import { blockAction, viewSubmission } from '../helpers/slack-requests';

interface Manifest {
  features: {
    slash_commands: { command: string; url: string; usage_hint: string; should_escape: boolean }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

/** Bot scopes each Web API method InfraWatch calls needs (https://api.slack.com/methods). */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  // im:history: the "Was this you?" DM is found again in the DM's history after a lost answer.
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.open': ['im:write'],
  // users:read.email needs users:read beside it (Slack refuses the one without the other).
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'views.open': [],
};

const manifest = readManifest() as unknown as Manifest;

/** Every action_id (with the value it carries) and modal callback_id our renderers produce. */
function renderedInteractions() {
  const change = describeChange(corpusEvent('ec2.AuthorizeSecurityGroupIngress.ssh-open-world.json'));
  const alert = renderAlert(change, { alertId: 'a1' });
  const now = '2026-11-27T12:00:00.000Z';
  const digest = renderDigest({
    channel: ALERTS_CHANNEL,
    now,
    since: '2026-11-20T12:00:00.000Z',
    alerts: [
      {
        id: 'a1',
        watch: 'security-groups',
        watchTitle: 'Security groups',
        severity: 'critical',
        createdAt: now,
        headline: 'h',
        changeCount: 1,
      },
    ],
    mutedCount: 0,
  });
  const content = {
    id: 'a1',
    channel: ALERTS_CHANNEL,
    watch: change.watch,
    lead: change,
    lines: [lineOf(change)],
    severity: change.severity,
    status: 'open' as const,
  };
  const modals = [
    renderAckNoteModal({ alertId: 'a1', summary: 's' }),
    renderInvestigateModal({ content, raw: '{}', related: [], now }),
  ];
  const actions: { action_id: string; value?: string; selected_option?: { value: string } }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const element = node as {
      action_id?: string;
      value?: string;
      options?: { value: string }[];
      type?: string;
    };
    if (element.action_id && (element.type === 'button' || element.type === 'overflow')) {
      actions.push(
        element.type === 'overflow'
          ? { action_id: element.action_id, selected_option: { value: element.options?.[1]?.value ?? '' } }
          : { action_id: element.action_id, ...(element.value ? { value: element.value } : {}) },
      );
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit([alert.blocks, digest?.blocks, renderActorQuestion({ alert: content }).blocks]);
  return { actions, modals };
}

describe('manifest.json', () => {
  it('registers the slash command the grammar parses, with a usage hint naming every command', () => {
    const [command, ...others] = manifest.features.slash_commands;
    expect(others).toEqual([]);
    expect(command?.command).toBe(SLASH_COMMAND);
    // Escaped, so `/infrawatch escalate … to @oncall` arrives as `<!subteam^S…|@oncall>`: the id, not a name.
    expect(command?.should_escape).toBe(true);
    for (const usage of COMMAND_USAGE) expect(command?.usage_hint).toContain(usage.command);
    expect(command?.usage_hint.length).toBeLessThanOrEqual(1000);
  });

  it('asks for exactly the bot scopes the Web API methods InfraWatch calls need, plus commands', () => {
    const needed = new Set(['commands', ...Object.values(METHOD_SCOPES).flat()]);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('fills every request URL in with `infrawatch manifest --url`, and insists on https', () => {
    const url = 'https://abc.lambda-url.us-east-1.on.aws/slack/events';
    const filled = manifestFor(url) as unknown as Manifest;
    expect(filled.features.slash_commands[0]?.url).toBe(url);
    expect(filled.settings.interactivity.request_url).toBe(url);
    expect(JSON.stringify(filled)).not.toContain(MANIFEST_PLACEHOLDER_URL);
    expect(() => manifestFor('http://localhost:3000/slack/events')).toThrow(/https/);
    expect(() => manifestFor('not a url')).toThrow(/not a URL/);
  });
});

describe('the Bolt app handles every interaction the renderers produce', () => {
  const harnesses = useSlackHarness('dynalite');

  it('has a listener for each action id and submittable modal, and calls only Web API methods the manifest allows', async () => {
    const harness = await harnesses.start();
    const { actions, modals } = renderedInteractions();
    expect(actions.map((a) => a.action_id).sort()).toEqual([
      'infrawatch_ack',
      'infrawatch_actor_no',
      'infrawatch_actor_yes',
      'infrawatch_digest_ack_all',
      'infrawatch_investigate',
      'infrawatch_more',
    ]);

    for (const action of actions) {
      // AwsLambdaReceiver answers 404 when no listener acknowledged the request.
      const response = await harness.send(
        blockAction(action, ALICE, ALERTS_CHANNEL, {
          triggerId: harness.slack.issueTriggerId({ userId: ALICE.userId }),
        }),
        'lambda',
      );
      expect({ action: action.action_id, status: response.status }).toEqual({
        action: action.action_id,
        status: 200,
      });
    }
    for (const modal of modals.filter((m) => m.submit)) {
      const response = await harness.send(
        viewSubmission(
          {
            callback_id: modal.callback_id ?? '',
            private_metadata: modal.private_metadata ?? '',
            values: {},
          },
          ALICE,
        ),
        'lambda',
      );
      expect({ modal: modal.callback_id, status: response.status }).toEqual({
        modal: modal.callback_id,
        status: 200,
      });
    }
    const digest = await harness.send(
      blockAction({ action_id: 'infrawatch_unknown', value: 'x' }, ALICE, ALERTS_CHANNEL),
      'lambda',
    );
    expect(digest.status).toBe(404);

    // Everything the app called during these interactions (and seeding) is covered by the manifest's scopes.
    await harness.alertFor([corpusEvent('iam.CreateUser.json')]);
    const called = new Set(harness.slack.calls.map((call) => call.method));
    for (const method of called) expect(Object.keys(METHOD_SCOPES)).toContain(method);
  });
});
