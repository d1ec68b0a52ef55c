import type { AlertContent } from '../../src/model/alert';
import {
  ACTOR_CHECK_ACTION_IDS,
  actorCheckSection,
  renderActorDenied,
  renderActorQuestion,
  renderActorQuestionAnswered,
  withActorAnswer,
} from '../../src/views';
import { lineOf } from '../helpers/changes';
import { sshOpenToWorld } from './changes';

function content(summary = 'alice opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc'): AlertContent {
  const lead = { ...sshOpenToWorld(), summary };
  return {
    id: 'a-1',
    channel: 'C0ALERTS',
    watch: lead.watch,
    lead,
    lines: [lineOf(lead)],
    severity: 'critical',
    status: 'open',
  };
}
const answer = {
  answer: 'yes' as const,
  userId: 'U0ALICE',
  userName: 'alice',
  at: '2026-11-27T10:05:00.000Z',
};

describe('"Was this you?" views', () => {
  it('asks with the change and two buttons that carry only the alert id', () => {
    // Act
    const message = renderActorQuestion({ alert: content(), accountAlias: { '112233445566': 'prod' } });

    // Assess
    const json = JSON.stringify(message.blocks);
    expect(message.text).toBe('Was this you? alice opened tcp/22 to the internet (0.0.0.0/0) on sg-0abc');
    expect(json).toContain('*Who*');
    expect(json).toContain('prod');
    const buttons = message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(
      buttons.map((b) => ('action_id' in b ? [b.action_id, 'value' in b ? b.value : null] : [])),
    ).toEqual([
      [ACTOR_CHECK_ACTION_IDS.yes, 'a-1'],
      [ACTOR_CHECK_ACTION_IDS.no, 'a-1'],
    ]);
    expect(json).toContain('Yes, that was me');
    expect(json).toContain("No, this wasn't me");
  });

  it('escapes what the event wrote: no pings, no fake links', () => {
    const evil = 'alice <!channel> opened <https://evil.example|your bank> *now*';
    for (const message of [
      renderActorQuestion({ alert: content(evil) }),
      renderActorQuestionAnswered({ alert: content(evil), answer }),
      renderActorDenied(content(evil), { ...answer, answer: 'no' }),
    ]) {
      const json = JSON.stringify(message);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<https://evil.example');
    }
  });

  it('puts the answer above the buttons of the alert, with a forged user id shown as a plain name', () => {
    const alert = {
      text: 't',
      blocks: [
        { type: 'section' as const, text: { type: 'mrkdwn' as const, text: 's' } },
        { type: 'actions' as const, elements: [] },
      ],
    };

    const confirmed = withActorAnswer(alert, answer);
    const forged = withActorAnswer(alert, {
      ...answer,
      answer: 'no',
      userId: 'U1>|<!channel',
      userName: '<!here>',
    });

    expect(confirmed.blocks.map((b) => b.type)).toEqual(['section', 'context', 'actions']);
    expect(JSON.stringify(confirmed.blocks[1])).toContain('☑ confirmed by <@U0ALICE> (the actor)');
    expect(JSON.stringify(forged.blocks[1])).toContain(
      'says this change was not theirs (raised to critical)',
    );
    expect(JSON.stringify(forged)).not.toMatch(/<!here>|<!channel>/);
    expect(withActorAnswer(alert, undefined)).toBe(alert);
  });

  it('answered, the question keeps the change and loses its buttons', () => {
    const answered = renderActorQuestionAnswered({ alert: content(), answer: { ...answer, answer: 'no' } });
    expect(answered.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(answered.blocks)).toContain("You said this wasn't you");
  });

  it('says the defaults in list, and what a setting changed', () => {
    expect(actorCheckSection(null)).toContain('warning and critical changes (the default');
    expect(actorCheckSection(null)).toContain('someone else still acknowledges it');
    const set = {
      channel: 'C1',
      ask: false,
      confirms: 'acknowledge' as const,
      setBy: 'U0ADMIN',
      setAt: answer.at,
    };
    expect(actorCheckSection(set)).toMatch(/no change \(off\).*acknowledges it — by <@U0ADMIN>/);
  });
});
