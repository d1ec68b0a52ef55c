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
 * An event number read from raw text whose literal text is not what `String(value)` prints (`1.0`, `1E5`,
 * `1E400`). event-ruler sees event numbers by their text, which matters where it compares that text rather
 * than the value: an uncomparable number (`value` undefined) only matches a pattern literal of the same text,
 * and a number can match a CIDR range by its digits (see the matcher). Only the raw-text event reader makes
 * these; numbers whose text is their canonical form stay plain numbers.
 */
export class NumberLiteral {
  constructor(
    readonly text: string,
    readonly value: number | undefined,
  ) {}
}
