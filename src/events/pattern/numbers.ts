/**
 * event-ruler only compares a number numerically when the double nearest to its literal prints back as the
 * same decimal value (its `ComparableNumber` check): `300.0`, `3.0e2` and `-0` qualify, `1E309`, `1E-325`
 * and `0.1000000000000000000001` do not. A pattern operand that fails the check is rejected with
 * "Cannot compare number : <text>"; an event number that fails it can only match by its exact text.
 */

/** Canonical decimal form of a JSON number literal: `0`, or sign + significant digits + `e` + exponent. */
function canonicalDecimal(text: string): string | undefined {
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let digits = '';
  let scale = 0;
  let sawDigit = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    digits += text[i];
    sawDigit = true;
  }
  if (text.charCodeAt(i) === 46) {
    i++;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      digits += text[i];
      scale++;
      sawDigit = true;
    }
  }
  if (!sawDigit) return undefined;
  let exponent = 0;
  if (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return undefined;
    const rest = text.slice(i + 1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    exponent = Number(rest);
  }
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) {
    end--;
    scale--;
  }
  if (start === end) return '0';
  return `${negative ? '-' : ''}${digits.slice(start, end)}e${exponent - scale}`;
}

/**
 * The double a JSON number literal stands for, when event-ruler can compare it numerically; otherwise
 * undefined. Negative zero is folded into zero (BigDecimal has no negative zero).
 */
export function comparableNumber(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  const canonical = canonicalDecimal(text);
  if (canonical === undefined || canonical !== canonicalDecimal(String(value))) return undefined;
  return value + 0;
}

/**
 * An event number whose literal text event-ruler cannot compare numerically (see {@link comparableNumber}).
 * Only the raw-text event reader produces these; such a number matches only a pattern literal of the same text.
 */
export class UncomparableNumber {
  constructor(readonly text: string) {}
}
