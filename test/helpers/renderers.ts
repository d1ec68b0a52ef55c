import { type AlertContent, changeCountOf } from '../../src/model/alert';
import type { AlertRenderer, RenderedMessage } from '../../src/use-cases/ports';
import { renderEscalation, withReplacementNote } from '../../src/views';

/** One line per alert (count and lead summary), easy to assert on. */
const summaryLine = (content: AlertContent): RenderedMessage => ({
  text: `${changeCountOf(content)} change(s): ${content.lead.summary}`,
  blocks: [],
});

/** The alert renderer port for use-case tests: `alert` as given (a summary line by default), the views' others. */
export function testRenderer(alert: (content: AlertContent) => RenderedMessage = summaryLine): AlertRenderer {
  return {
    alert,
    replacement: (content) => withReplacementNote(alert(content)),
    escalation: renderEscalation,
  };
}
