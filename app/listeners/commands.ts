import type { App, SlashCommand, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type Command, parseCommand, SLASH_COMMAND } from '../../src/commands/parse';
import {
  channelSettings,
  muteChannel,
  NotAllowedError,
  setChannelActorCheck,
  setChannelEscalation,
  subscribeChannel,
  unmuteChannel,
  unsubscribeChannel,
} from '../../src/use-cases/channel-settings';
import { type CommandClaim, claimCommand } from '../../src/use-cases/command-once';
import { collectStats } from '../../src/use-cases/review';
import {
  actorCheckSection,
  mention,
  renderChannelSettings,
  renderCommandError,
  renderDigestQueued,
  renderEscalationAnnouncement,
  renderHelp,
  renderMuteAnnouncement,
  renderNotAllowed,
  renderRepeatedCommand,
  renderStats,
  renderSubscribed,
  renderSubscriptionAnnouncement,
  renderUnmuteAnnouncement,
  renderWatchesList,
} from '../../src/views';
import { DIGEST_REQUESTED_DETAIL_TYPE, type SlackAppDeps, settingsDeps } from '../slack/deps';

type Reply = { text: string; blocks?: types.KnownBlock[] };

const ephemeral = (reply: Reply) => ({ response_type: 'ephemeral' as const, ...reply });

/**
 * Posts a change of channel settings for everyone to see, so a mute is never invisible. When the bot cannot
 * post there (not invited), the person who ran the command is told instead.
 */
async function announce(client: WebClient, channel: string, message: Reply): Promise<string | null> {
  try {
    await client.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
    return null;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? String(error);
    return `I could not announce this in the channel (${code}); invite me with \`/invite @InfraWatch\`.`;
  }
}

async function run(
  deps: SlackAppDeps,
  command: Command,
  body: SlashCommand,
  client: WebClient,
): Promise<Reply> {
  const channel = body.channel_id;
  const userId = body.user_id;
  switch (command.kind) {
    case 'help':
      return renderHelp();
    case 'watches':
      return renderWatchesList(deps.catalog.watches);
    case 'error':
      return renderCommandError(command.message);
    case 'list': {
      const { escalation, ...settings } = await channelSettings(deps, channel);
      return renderChannelSettings({
        channel,
        ...settings,
        escalation: 'default' in escalation ? { policy: escalation.policy } : escalation,
        now: deps.clock.now().toISOString(),
      });
    }
    case 'stats':
      return renderStats(
        await collectStats(deps, channel, command.days),
        new Map(deps.catalog.watches.map((watch) => [watch.id, watch.title])),
      );
    case 'digest':
      // Building a digest takes longer than Slack's 3 seconds: the digest function does it, asynchronously.
      await deps.events.publish(DIGEST_REQUESTED_DETAIL_TYPE, {
        channel,
        requestedBy: userId,
        requestId: body.trigger_id,
      });
      return renderDigestQueued();
    case 'subscribe': {
      const { added, unchanged } = await subscribeChannel(settingsDeps(deps), {
        channel,
        watches: command.watches,
        userId,
      });
      const problem =
        added.length > 0
          ? await announce(
              client,
              channel,
              renderSubscriptionAnnouncement({ userId, action: 'subscribe', watches: added }),
            )
          : null;
      return withProblem(
        renderSubscribed({ watches: added, action: 'subscribe', userId, channel, unchanged }),
        problem,
      );
    }
    case 'unsubscribe': {
      const { removed, notSubscribed } = await unsubscribeChannel(settingsDeps(deps), {
        channel,
        watches: command.watches,
        userId,
      });
      const problem =
        removed.length > 0
          ? await announce(
              client,
              channel,
              renderSubscriptionAnnouncement({ userId, action: 'unsubscribe', watches: removed }),
            )
          : null;
      return withProblem(
        renderSubscribed({
          watches: removed,
          action: 'unsubscribe',
          userId,
          channel,
          unchanged: notSubscribed,
        }),
        problem,
      );
    }
    case 'mute': {
      const mutes = await muteChannel(settingsDeps(deps), {
        channel,
        target: command.target,
        durationMs: command.durationMs,
        userId,
      });
      const announcement = renderMuteAnnouncement({ mutes, now: deps.clock.now().toISOString() });
      const problem = await announce(client, channel, announcement);
      return withProblem({ text: `Done. ${announcement.text}` }, problem);
    }
    case 'escalate': {
      await setChannelEscalation(settingsDeps(deps), { channel, policy: command.policy, userId });
      const announcement = renderEscalationAnnouncement({ policy: command.policy, userId });
      const problem = await announce(client, channel, announcement);
      return withProblem({ text: `Done. ${announcement.text}` }, problem);
    }
    case 'ask-actors':
    case 'actor-confirms': {
      const setting = await setChannelActorCheck(settingsDeps(deps), {
        channel,
        change: command.kind === 'ask-actors' ? { ask: command.ask } : { confirms: command.confirms },
        userId,
      });
      const announcement = {
        text: `${mention(userId, userId)} changed this channel's "Was this you?": ${actorCheckSection(setting)}`,
      };
      const problem = await announce(client, channel, announcement);
      return withProblem({ text: `Done. ${actorCheckSection(setting)}` }, problem);
    }
    case 'unmute': {
      const existed =
        (await unmuteChannel(settingsDeps(deps), { channel, target: command.target })).length > 0;
      const announcement = renderUnmuteAnnouncement({ target: command.target, userId, existed });
      const problem = existed ? await announce(client, channel, announcement) : null;
      return withProblem(announcement, problem);
    }
  }
}

function withProblem(reply: Reply, problem: string | null): Reply {
  return problem === null
    ? reply
    : { text: `${reply.text}\n${problem}`, ...(reply.blocks ? { blocks: reply.blocks } : {}) };
}

/** `/infrawatch …`: parse, run the use case, answer ephemerally in the HTTP response (no extra API call). */
export function registerCommands(app: App, deps: SlackAppDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, client }) => {
    const parsed = parseCommand(command.text ?? '', deps.catalog);
    let claim: CommandClaim | undefined;
    try {
      claim = await claimCommand(deps, {
        teamId: command.team_id,
        channel: command.channel_id,
        userId: command.user_id,
        triggerId: command.trigger_id,
        command: parsed,
      });
      await ack(ephemeral(claim ? await run(deps, parsed, command, client) : renderRepeatedCommand()));
    } catch (error) {
      await ack(
        ephemeral(
          error instanceof NotAllowedError
            ? renderNotAllowed(error.action)
            : {
                text: 'Sorry, something went wrong on our side. Check `/infrawatch list` and try again in a minute.',
              },
        ),
      );
      // The command did not happen: a retry must not be taken for a repeat.
      await claim?.release();
      if (error instanceof NotAllowedError) return;
      throw error;
    }
  });
}
