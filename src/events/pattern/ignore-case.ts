/**
 * equals-ignore-case as event-ruler implements it: each character of the operand matches exactly its own
 * lower-case or upper-case form (Unicode case mapping of that single character, no locale). It is not full
 * case folding: a final sigma `ς` does not match `Σ`, and `ß` matches `ß` or `SS`. Callers pass the operand
 * through `javaUnitView` first, as event-ruler maps one UTF-16 unit at a time (surrogates become `?`).
 */

export type IgnoreCaseMode = 'equals' | 'prefix' | 'suffix';

interface Alternatives {
  readonly lower: string;
  readonly upper: string;
}

function alternativesOf(text: string): Alternatives[] {
  const result: Alternatives[] = [];
  for (const ch of text) result.push({ lower: ch.toLowerCase(), upper: ch.toUpperCase() });
  return result;
}

/** A case-insensitive matcher of the whole value, a prefix of it, or a suffix of it. */
export function compileIgnoreCase(text: string, mode: IgnoreCaseMode): (value: string) => boolean {
  const alternatives = alternativesOf(mode === 'suffix' ? [...text].reverse().join('') : text);
  const simple = alternatives.every((a) => a.lower.length === 1 && a.upper.length === 1);
  if (simple) {
    const lower = alternatives.map((a) => a.lower).join('');
    const upper = alternatives.map((a) => a.upper).join('');
    const n = lower.length;
    if (mode === 'equals') {
      return (value) => {
        if (value.length !== n) return false;
        for (let i = 0; i < n; i++) {
          const c = value.charCodeAt(i);
          if (c !== lower.charCodeAt(i) && c !== upper.charCodeAt(i)) return false;
        }
        return true;
      };
    }
    if (mode === 'prefix') {
      return (value) => {
        if (value.length < n) return false;
        for (let i = 0; i < n; i++) {
          const c = value.charCodeAt(i);
          if (c !== lower.charCodeAt(i) && c !== upper.charCodeAt(i)) return false;
        }
        return true;
      };
    }
    return (value) => {
      const offset = value.length - 1;
      if (value.length < n) return false;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(offset - i);
        if (c !== lower.charCodeAt(i) && c !== upper.charCodeAt(i)) return false;
      }
      return true;
    };
  }

  // Some characters change length with case (ß -> SS, İ -> i̇): explore both forms.
  const forward = (value: string, index: number, at: number): boolean => {
    if (index === alternatives.length) return mode === 'prefix' || at === value.length;
    const a = alternatives[index];
    if (a === undefined) return false;
    if (value.startsWith(a.lower, at) && forward(value, index + 1, at + a.lower.length)) return true;
    return (
      a.upper !== a.lower && value.startsWith(a.upper, at) && forward(value, index + 1, at + a.upper.length)
    );
  };
  const backward = (value: string, index: number, end: number): boolean => {
    if (index === alternatives.length) return true;
    const a = alternatives[index];
    if (a === undefined) return false;
    const lowerStart = end - a.lower.length;
    if (lowerStart >= 0 && value.startsWith(a.lower, lowerStart) && backward(value, index + 1, lowerStart)) {
      return true;
    }
    const upperStart = end - a.upper.length;
    return (
      a.upper !== a.lower &&
      upperStart >= 0 &&
      value.startsWith(a.upper, upperStart) &&
      backward(value, index + 1, upperStart)
    );
  };
  return mode === 'suffix' ? (value) => backward(value, 0, value.length) : (value) => forward(value, 0, 0);
}
