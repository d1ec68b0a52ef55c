import { javaUtf8View } from './java-strings';

/**
 * Wildcard operands: `*` matches any run of characters (including none), `\*` is a literal star and `\\` a
 * literal backslash; any other backslash escape and two stars in a row are invalid.
 *
 * Error positions are event-ruler's: UTF-8 byte offsets into the operand wrapped in double quotes, which is
 * how event-ruler stores string values (so the first character is at position 1).
 */

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** event-ruler's reason for rejecting a wildcard operand, or undefined when it is valid. */
export function wildcardSyntaxError(operand: string): string | undefined {
  // Positions count Java's UTF-8 bytes, where an unpaired surrogate is the single byte `?`.
  const text = javaUtf8View(operand);
  let bytePos = 1;
  for (let i = 0; i < text.length; ) {
    const c = text.charAt(i);
    if (c === '*') {
      if (text.charAt(i + 1) === '*') return `Consecutive wildcard characters at pos ${bytePos}`;
    } else if (c === '\\') {
      const next = text.charAt(i + 1);
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${bytePos}`;
      bytePos += 2;
      i += 2;
      continue;
    }
    const codePoint = text.codePointAt(i) ?? 0;
    bytePos += utf8Length(codePoint);
    i += codePoint > 0xffff ? 2 : 1;
  }
  return undefined;
}

/** The literal pieces between unescaped stars (a valid operand with k stars has k + 1 pieces). */
function wildcardPieces(text: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') {
      piece += text.charAt(i + 1);
      i++;
    } else if (c === '*') {
      pieces.push(piece);
      piece = '';
    } else {
      piece += c;
    }
  }
  pieces.push(piece);
  return pieces;
}

/** A matcher for a valid wildcard operand; anchored at both ends, no regular expressions involved. */
export function compileWildcard(text: string): (value: string) => boolean {
  const pieces = wildcardPieces(text);
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return (value) => value === first;
  const last = pieces[pieces.length - 1] ?? '';
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0);
  const minLength = first.length + last.length;
  if (middle.length === 0) {
    return (value) => value.length >= minLength && value.startsWith(first) && value.endsWith(last);
  }
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    // Leftmost placement of each piece is optimal when the only metacharacter is `*`.
    let from = first.length;
    const end = value.length - last.length;
    for (const piece of middle) {
      const at = value.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}

const ANY_BYTE = -1;

/** UTF-8 bytes of `"operand"` with stars as {@link ANY_BYTE}, the form event-ruler builds its byte machine from. */
function wildcardBytes(text: string): number[] {
  const tokens: number[] = [0x22];
  const bytes = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) tokens.push(b);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') {
      bytes(text.charAt(i + 1));
      i++;
    } else if (c === '*') {
      tokens.push(ANY_BYTE);
    } else {
      const codePoint = text.codePointAt(i) ?? 0;
      bytes(String.fromCodePoint(codePoint));
      if (codePoint > 0xffff) i++;
    }
  }
  tokens.push(0x22);
  return tokens;
}

/**
 * Where a repeated addition of `text` to the same byte machine stops sharing the first copy's states: the
 * token of the first case-sensitive letter after a star. event-ruler re-walks the machine when an operand is
 * added again (ByteMachine.addMatchValue) and only reuses a state past a wildcard while
 * doMultipleTransitionsConvergeForInputByte is false; for a character whose lower and upper case differ it is
 * true (its equals-ignore-case check finds a transition), so the rest of the operand is built again.
 * Undefined when the whole operand is reused (nothing is added).
 */
function repeatBranchToken(text: string): number | undefined {
  let token = 1;
  let afterStar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '*') {
      afterStar = true;
      token++;
      continue;
    }
    if (c === '\\') i++;
    const codePoint = text.codePointAt(i) ?? 0;
    if (codePoint > 0xffff) i++;
    const literal = String.fromCodePoint(codePoint);
    // A surrogate pair is two units to Java; neither has case.
    if (afterStar && codePoint <= 0xffff && literal.toLowerCase() !== literal.toUpperCase()) return token;
    token += Buffer.byteLength(literal, 'utf8');
  }
  return undefined;
}

/**
 * A measure of wildcard non-determinism in the spirit of event-ruler's MachineComplexityEvaluator: the largest
 * number of partially matched wildcard operands (NFA states, counted per operand position) that one input
 * can keep alive at the same time. `operands` lists every addition to one byte machine: a repeated operand
 * shares the first copy's states up to {@link repeatBranchToken} and adds its own from there. Stops exploring
 * once `limit` is exceeded and returns the count reached.
 */
export function wildcardComplexity(operands: readonly string[], limit: number): number {
  const views = operands.map((operand) => javaUtf8View(operand));
  const programs = views.map(wildcardBytes);
  // For each first copy: the later copies that branch off it, and at which position.
  const branches = new Map<number, { copy: number; at: number }[]>();
  const firstIndex = new Map<string, number>();
  const shared = new Set<number>();
  views.forEach((view, index) => {
    const first = firstIndex.get(view);
    if (first === undefined) {
      firstIndex.set(view, index);
      return;
    }
    shared.add(index);
    const at = repeatBranchToken(view);
    if (at !== undefined) branches.set(first, [...(branches.get(first) ?? []), { copy: index, at }]);
  });
  const alphabet = new Set<number>([0x100]);
  for (const program of programs) for (const b of program) if (b !== ANY_BYTE) alphabet.add(b);

  // A state is (operand, position); position p means the first p tokens are consumed.
  const key = (operand: number, position: number): number => operand * 65536 + position;
  const closure = (states: Set<number>): Set<number> => {
    const queue = [...states];
    while (queue.length > 0) {
      const state = queue.pop() ?? 0;
      const operand = Math.floor(state / 65536);
      const position = state % 65536;
      if (programs[operand]?.[position] === ANY_BYTE) {
        const next = key(operand, position + 1);
        if (!states.has(next)) {
          states.add(next);
          queue.push(next);
        }
      }
    }
    return states;
  };
  const step = (states: Set<number>, byte: number): Set<number> => {
    const next = new Set<number>();
    for (const state of states) {
      const operand = Math.floor(state / 65536);
      const position = state % 65536;
      const program = programs[operand] ?? [];
      if (position > 0 && program[position - 1] === ANY_BYTE) next.add(state);
      if (position < program.length && program[position] === byte) {
        next.add(key(operand, position + 1));
        for (const branch of branches.get(operand) ?? []) {
          if (branch.at === position) next.add(key(branch.copy, position + 1));
        }
      }
    }
    return closure(next);
  };
  const live = (states: Set<number>): number => {
    let count = 0;
    for (const state of states) {
      const program = programs[Math.floor(state / 65536)] ?? [];
      if (state % 65536 < program.length) count++;
    }
    return count;
  };

  const start = closure(
    new Set(programs.flatMap((_, operand) => (shared.has(operand) ? [] : [key(operand, 0)]))),
  );
  const seen = new Set<string>([[...start].sort().join(',')]);
  const pending = [start];
  let worst = 0;
  while (pending.length > 0 && seen.size < 20000) {
    const states = pending.pop() ?? new Set<number>();
    for (const byte of alphabet) {
      const next = step(states, byte);
      if (next.size === 0) continue;
      worst = Math.max(worst, live(next));
      if (worst > limit) return worst;
      const id = [...next].sort().join(',');
      if (!seen.has(id)) {
        seen.add(id);
        pending.push(next);
      }
    }
  }
  return worst;
}
