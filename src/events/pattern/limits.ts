import type { SubRule } from './compiler';
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
 * alternatives (8). Patterns close to the threshold may still be judged differently by the service.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/**
 * The worst wildcard complexity of any field's byte machine. Sub-rules share a field's machine when the
 * fields sorted before it are identical, as event-ruler's shared name states do.
 */
export function worstWildcardComplexity(subRules: readonly SubRule[]): number {
  const groups = new Map<string, Set<string>>();
  for (const rule of subRules) {
    const paths = [...rule.keys()].sort();
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] ?? '';
      const operands: string[] = [];
      for (const spec of rule.get(path) ?? []) {
        if (spec.kind === 'wildcard') operands.push(spec.value);
        else if (spec.kind === 'anything-but-wildcard') operands.push(...spec.values);
      }
      if (operands.length === 0) continue;
      const key = JSON.stringify([paths.slice(0, i).map((p) => [p, rule.get(p)]), path]);
      const group = groups.get(key) ?? new Set<string>();
      for (const operand of operands) group.add(operand);
      groups.set(key, group);
    }
  }
  let worst = 0;
  for (const operands of groups.values()) {
    worst = Math.max(worst, wildcardComplexity([...operands], MAX_WILDCARD_COMPLEXITY));
    if (worst > MAX_WILDCARD_COMPLEXITY) break;
  }
  return worst;
}
