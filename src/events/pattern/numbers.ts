/**
 * event-ruler only compares a number numerically when the double nearest to its literal prints back as the
 * same decimal value (ComparableNumber.generate: `BigDecimal.valueOf(double).compareTo(literal) == 0`, and
 * BigDecimal.valueOf uses `Double.toString`): `300.0`, `3.0e2` and `-0` qualify, `1E309`, `1E-325`,
 * `0.1000000000000000000001` and `5e-324` (printed `4.9E-324`) do not. A pattern operand that fails the check
 * is rejected with "Cannot compare number : <text>"; an event number that fails it only matches by its text.
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
  if (canonical === undefined || canonical !== canonicalDecimal(javaDoubleToString(value))) return undefined;
  return value + 0;
}

/**
 * The decimal Java's `Double.toString` picks, as its Javadoc specifies it since JDK 19: the shortest decimal
 * that rounds to the double (what `String(value)` gives), except that Java always writes at least two digits
 * and, when one digit would do, takes the two-digit decimal closest to the double. That only changes the value
 * for subnormal numbers, whose rounding interval is wide: 5e-324 prints as 4.9E-324, 1e-323 as 9.9E-324.
 * (JDK 17's older algorithm sometimes printed more digits than needed, e.g. 9.999999999999999E22 for 1e23;
 * which JDK the service runs is not known, and the specified behaviour is the one modelled here.)
 */
function javaDoubleToString(value: number): string {
  const shortest = String(value);
  if (value === 0 || !/^-?\d(?:e|$)/.test(shortest)) return shortest;
  const twoDigits = value.toPrecision(2);
  return Number(twoDigits) === value ? twoDigits : shortest;
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
