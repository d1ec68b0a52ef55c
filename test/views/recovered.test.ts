import { renderAlert, renderAlertContent } from '../../src/views';
import { assertOnlyOwnMarkup, assertValidMessage, mrkdwnTexts } from '../helpers/block-kit';
import { burstOf, sshOpenToWorld } from './changes';

const OPTIONS = { alertId: 'a1b2c3d4e5f6a7b8c9d0e1f2', watchTitle: 'Security groups' };
const RECOVERED = '↩️ Recovered from CloudTrail (not delivered by EventBridge)';

describe('alerts recovered by reconciliation', () => {
  it('renders a recovered change with a context line that says EventBridge never delivered it', () => {
    // Act
    const message = renderAlert(sshOpenToWorld(), { ...OPTIONS, recovered: true });

    // Assess
    assertValidMessage(message);
    assertOnlyOwnMarkup(message);
    expect(message).toMatchSnapshot();
    const context = message.blocks.filter((block) => block.type === 'context');
    expect(JSON.stringify(context)).toContain('Recovered from CloudTrail');
    expect(JSON.stringify(renderAlert(sshOpenToWorld(), OPTIONS))).not.toContain('Recovered from CloudTrail');
  });

  it('shows the line for a one-change alert whose line is marked recovered', () => {
    const alert = burstOf(sshOpenToWorld(), 1, () => ({ recovered: true }));
    const texts = mrkdwnTexts(renderAlertContent(alert, OPTIONS));
    expect(texts.filter((text) => text.includes('Recovered from CloudTrail'))).toHaveLength(1);
  });

  it('counts the recovered changes of a burst', () => {
    // Prepare: 5 changes, 2 of them recovered.
    const alert = burstOf(sshOpenToWorld(), 5, (index) => (index % 2 === 1 ? { recovered: true } : {}));

    // Act
    const message = renderAlertContent(alert, OPTIONS);

    // Assess
    assertValidMessage(message);
    expect(message).toMatchSnapshot();
    expect(mrkdwnTexts(message)).toContain(
      '↩️ 2 of 5 recovered from CloudTrail (not delivered by EventBridge)',
    );
    const all = burstOf(sshOpenToWorld(), 3, () => ({ recovered: true }));
    expect(mrkdwnTexts(renderAlertContent(all, OPTIONS))).toContain(
      '↩️ All 3 recovered from CloudTrail (not delivered by EventBridge)',
    );
  });

  it('escapes the fixed text like any other', () => {
    const texts = mrkdwnTexts(renderAlert(sshOpenToWorld(), { ...OPTIONS, recovered: true }));
    expect(texts).toContain(RECOVERED);
  });
});
