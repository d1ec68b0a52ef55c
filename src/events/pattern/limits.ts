import type { SubRule } from './compiler';
import { layoutMachines } from './machines';
import { wildcardComplexity } from './wildcard';

/** PutRule / TestEventPattern reject an EventPattern longer than this (API constraint, before validation). */
export const MAX_PATTERN_LENGTH = 4096;

/** EventBridge rejects patterns whose `$or` arrays expand to more combinations than this. */
export const MAX_OR_COMBINATIONS = 1000;

/**
 * The service rejects "too complex" wildcard rules using event-ruler's MachineComplexityEvaluator with an
 * undisclosed threshold. With the measure in {@link wildcardComplexity}, this threshold classifies every
 * known service decision correctly: rejected `*:*:*:*:*:event-bus/*` (11, AWS-verified) and the four
 * `<star>/datasync/<star>.{bif,tif,tiff,svs}` alternatives of one field (16, reported in a public Terraform
 * repository); accepted `arn:aws:events:us-east-1:<star>:event-bus/<star>` (3), the repeating
 * `/Users/<star>/dir/dir/dir/dir/dir/doc.txt` (7), `<star>.bif|tiff|tif|svs` (8) and two datasync
 * alternatives (8). The measure itself equals event-ruler's rating (Machine.evaluateComplexity) on a
 * differential run of 600 generated patterns with `$or` repetitions and shared machines; the threshold is the
 * service's and is inferred from the decisions above.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/**
 * The worst wildcard complexity of any field's byte machine, with the machines laid out as event-ruler's name
 * states share them ({@link layoutMachines}), and every addition of an operand counted (a field repeated in
 * several `$or` combinations adds its operands to the same machine once per combination).
 */
export function worstWildcardComplexity(subRules: readonly SubRule[]): number {
  let worst = 0;
  for (const specs of layoutMachines(subRules).additions.values()) {
    const operands: string[] = [];
    for (const spec of specs) {
      if (spec.kind === 'wildcard') operands.push(spec.value);
      else if (spec.kind === 'anything-but-wildcard') operands.push(...spec.values);
    }
    if (operands.length === 0) continue;
    worst = Math.max(worst, wildcardComplexity(operands, MAX_WILDCARD_COMPLEXITY));
    if (worst > MAX_WILDCARD_COMPLEXITY) break;
  }
  return worst;
}
