/**
 * Strings as event-ruler sees them. event-ruler matches UTF-8 bytes made by Java's `String.getBytes(UTF_8)`,
 * which writes each unpaired surrogate as `?`, and its equals-ignore-case parsers encode one UTF-16 unit at a
 * time (EqualsIgnoreCaseParser.parse: `String.valueOf(c)`), so there every surrogate, paired or not, is `?`.
 * Supplementary characters therefore never survive an equals-ignore-case operand: `😀` in one stands for `??`.
 */

const SURROGATE = /[\ud800-\udfff]/;
const ANY_SURROGATE = /[\ud800-\udfff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether the text has any surrogate code unit. */
export function hasSurrogate(text: string): boolean {
  return SURROGATE.test(text);
}

/** The text whose UTF-8 is what Java's `getBytes(UTF_8)` gives for `text`: unpaired surrogates become `?`. */
export function javaUtf8View(text: string): string {
  return hasSurrogate(text) ? text.replace(LONE_SURROGATE, '?') : text;
}

/** An equals-ignore-case operand as event-ruler's per-unit parser reads it: every surrogate becomes `?`. */
export function javaUnitView(text: string): string {
  return hasSurrogate(text) ? text.replace(ANY_SURROGATE, '?') : text;
}

/**
 * A suffix test for an operand with surrogates, in event-ruler's terms: Patterns.suffixMatch stores the operand
 * reversed with `StringBuilder.reverse`, SuffixParser reverses it back the same way before encoding, and the
 * value's bytes are matched from the end. Reversing twice turns an unpaired low surrogate followed by an
 * unpaired high one into the pair they form the other way round.
 */
export function compileJavaSuffix(operand: string): (value: string) => boolean {
  const suffix = javaUtf8View(javaReverse(javaReverse(operand)));
  return (value) => javaUtf8View(value).endsWith(suffix);
}

/** Java's `StringBuilder.reverse`: reverses UTF-16 units, then restores every (high, low) pair of the input. */
function javaReverse(text: string): string {
  const units = text.split('').reverse();
  for (let i = 0; i < units.length - 1; i++) {
    const unit = units[i] ?? '';
    const next = units[i + 1] ?? '';
    if (/[\udc00-\udfff]/.test(unit) && /[\ud800-\udbff]/.test(next)) {
      units[i] = next;
      units[i + 1] = unit;
      i++;
    }
  }
  return units.join('');
}
