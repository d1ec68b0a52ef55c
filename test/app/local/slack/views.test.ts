import type { types } from '@slack/bolt';
import { useStandin } from '../../../helpers/slack-standin-client';

const ALICE = { id: 'U0ALICE001', name: 'alice' };

function investigateModal(overrides: Partial<types.ModalView> = {}): types.ModalView {
  return {
    type: 'modal',
    callback_id: 'infrawatch_investigate',
    title: { type: 'plain_text', text: 'Investigate change' },
    submit: { type: 'plain_text', text: 'Save' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'Who did what' } },
      {
        type: 'input',
        block_id: 'note',
        label: { type: 'plain_text', text: 'Note' },
        element: { type: 'plain_text_input', action_id: 'note_input', multiline: true },
      },
    ],
    ...overrides,
  };
}

describe('Slack stand-in', () => {
  const t = useStandin({ users: [ALICE] });

  describe('views', () => {
    it('opens a modal with a minted trigger_id and records who it was opened for', async () => {
      // Prepare
      const triggerId = t.slack.issueTriggerId({ userId: ALICE.id });

      // Act
      const result = await t.client.views.open({ trigger_id: triggerId, view: investigateModal() });

      // Assess
      expect(result).toMatchObject({
        ok: true,
        view: {
          id: expect.stringMatching(/^V[0-9A-Z]+$/),
          team_id: 'T0LOCAL001',
          type: 'modal',
          callback_id: 'infrawatch_investigate',
          state: { values: {} },
        },
      });
      expect(t.slack.views()).toEqual([{ userId: ALICE.id, openedAt: t.now, view: result.view }]);
    });

    it('refuses unknown, reused and expired trigger_ids', async () => {
      // Prepare
      const used = t.slack.issueTriggerId();
      await t.client.views.open({ trigger_id: used, view: investigateModal() });
      const stale = t.slack.issueTriggerId();
      t.now += 3001;

      // Act & Assess
      await expect(
        t.client.views.open({ trigger_id: '1.2.abc', view: investigateModal() }),
      ).rejects.toMatchObject({
        data: { error: 'invalid_trigger_id' },
      });
      await expect(t.client.views.open({ trigger_id: used, view: investigateModal() })).rejects.toMatchObject(
        {
          data: { error: 'exchanged_trigger_id' },
        },
      );
      await expect(
        t.client.views.open({ trigger_id: stale, view: investigateModal() }),
      ).rejects.toMatchObject({
        data: { error: 'expired_trigger_id' },
      });
      expect(t.slack.views()).toHaveLength(1);
    });

    it('refuses an invalid modal with invalid_arguments and Slack-style messages', async () => {
      // Prepare
      const view = investigateModal({
        title: { type: 'plain_text', text: 'An investigation title too long' },
        submit: undefined,
      });

      // Act
      const result = t.client.views.open({ trigger_id: t.slack.issueTriggerId(), view });

      // Assess
      await expect(result).rejects.toMatchObject({
        data: {
          error: 'invalid_arguments',
          response_metadata: {
            messages: [
              '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
              '[ERROR] must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/1/input]',
            ],
          },
        },
      });
      expect(t.slack.views()).toEqual([]);
    });

    it('accepts 100 blocks in a modal and refuses 101', async () => {
      // Prepare
      const divider = { type: 'divider' };
      const hundred = investigateModal({ blocks: Array.from({ length: 100 }, () => divider) });
      const hundredOne = investigateModal({ blocks: Array.from({ length: 101 }, () => divider) });

      // Act & Assess
      await expect(
        t.client.views.open({ trigger_id: t.slack.issueTriggerId(), view: hundred }),
      ).resolves.toMatchObject({
        ok: true,
      });
      await expect(
        t.client.views.open({ trigger_id: t.slack.issueTriggerId(), view: hundredOne }),
      ).rejects.toMatchObject({
        data: {
          response_metadata: {
            messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'],
          },
        },
      });
    });
  });
});
