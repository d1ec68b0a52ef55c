import { JsonLexer, type JsonToken, MAX_NESTING_DEPTH, MAX_NUMBER_LENGTH } from './json-lexer';
import { comparableNumber, NumberLiteral } from './numbers';

/**
 * Values of a key that occurs more than once in one event object. event-ruler streams events and sees every
 * occurrence, so each of them can match (unlike `JSON.parse`, which keeps the last one).
 */
export class RepeatedKeyValues {
  constructor(readonly values: unknown[]) {}
}

/** Thrown inside the fast reader when the text is not plain valid JSON; the lexer then reports why. */
const NOT_PLAIN_JSON: unique symbol = Symbol('not plain JSON');

function setValue(object: Record<string, unknown>, key: string, value: unknown): void {
  const previous = object[key];
  // Parsed values are never undefined or functions: those are absent keys or inherited members.
  const absent =
    previous === undefined ||
    ((typeof previous === 'function' || key === '__proto__') && !Object.hasOwn(object, key));
  if (absent) {
    if (key === '__proto__') {
      Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    } else {
      object[key] = value;
    }
  } else {
    object[key] =
      previous instanceof RepeatedKeyValues
        ? new RepeatedKeyValues([...previous.values, value])
        : new RepeatedKeyValues([previous, value]);
  }
}

function numberValue(text: string): unknown {
  // Up to 15 digits without fraction or exponent is an exact double that prints back as the same text
  // (-0 aside, which no text comparison can tell from 0).
  if (text.length <= 15 && !/[.eE]/.test(text)) return Number(text) + 0;
  const value = comparableNumber(text);
  return value !== undefined && String(value) === text ? value : new NumberLiteral(text, value);
}

/** A direct recursive-descent reader for well-formed JSON (the common case). */
class FastReader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  read(): unknown {
    this.skipWhitespace();
    if (this.pos >= this.text.length) return undefined;
    return this.value();
  }

  private skipWhitespace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++this.pos);
  }

  private value(): unknown {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        return this.object();
      case 91: // [
        return this.array();
      case 34: // "
        return this.string();
      case 116: // t
        return this.literal('true', true);
      case 102: // f
        return this.literal('false', false);
      case 110: // n
        return this.literal('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        throw NOT_PLAIN_JSON;
    }
  }

  private literal(word: string, value: boolean | null): boolean | null {
    if (!this.text.startsWith(word, this.pos)) throw NOT_PLAIN_JSON;
    this.pos += word.length;
    const next = this.text.charCodeAt(this.pos);
    if (
      (next >= 48 && next <= 57) ||
      (next >= 65 && next <= 90) ||
      (next >= 97 && next <= 122) ||
      next > 127
    ) {
      throw NOT_PLAIN_JSON;
    }
    return value;
  }

  private object(): Record<string, unknown> {
    const text = this.text;
    const object: Record<string, unknown> = {};
    if (++this.depth > MAX_NESTING_DEPTH) throw NOT_PLAIN_JSON;
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === 125) {
      this.pos++;
      this.depth--;
      return object;
    }
    for (;;) {
      if (text.charCodeAt(this.pos) !== 34) throw NOT_PLAIN_JSON;
      const key = this.string();
      this.skipWhitespace();
      if (text.charCodeAt(this.pos) !== 58) throw NOT_PLAIN_JSON;
      this.pos++;
      this.skipWhitespace();
      setValue(object, key, this.value());
      this.skipWhitespace();
      const c = text.charCodeAt(this.pos++);
      if (c === 125) {
        this.depth--;
        return object;
      }
      if (c !== 44) throw NOT_PLAIN_JSON;
      this.skipWhitespace();
    }
  }

  private array(): unknown[] {
    const text = this.text;
    const array: unknown[] = [];
    if (++this.depth > MAX_NESTING_DEPTH) throw NOT_PLAIN_JSON;
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === 93) {
      this.pos++;
      this.depth--;
      return array;
    }
    for (;;) {
      array.push(this.value());
      this.skipWhitespace();
      const c = text.charCodeAt(this.pos++);
      if (c === 93) {
        this.depth--;
        return array;
      }
      if (c !== 44) throw NOT_PLAIN_JSON;
      this.skipWhitespace();
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.pos + 1;
    let p = start;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 34) {
        this.pos = p + 1;
        return text.slice(start, p);
      }
      if (c === 92) break;
      if (c < 32 || Number.isNaN(c)) throw NOT_PLAIN_JSON;
      p++;
    }
    // Escapes present: let JSON.parse decode the literal (it is plain JSON string syntax).
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 34) break;
      if (c < 32 || Number.isNaN(c)) throw NOT_PLAIN_JSON;
      p += c === 92 ? 2 : 1;
    }
    this.pos = p + 1;
    try {
      return JSON.parse(text.slice(start - 1, p + 1)) as string;
    } catch {
      throw NOT_PLAIN_JSON;
    }
  }

  private number(): unknown {
    const text = this.text;
    const start = this.pos;
    let p = start;
    if (text.charCodeAt(p) === 45) p++;
    const first = text.charCodeAt(p);
    if (first === 48) {
      p++;
      const next = text.charCodeAt(p);
      if (next >= 48 && next <= 57) throw NOT_PLAIN_JSON;
    } else if (first >= 49 && first <= 57) {
      while (isDigit(text.charCodeAt(p))) p++;
    } else {
      throw NOT_PLAIN_JSON;
    }
    if (text.charCodeAt(p) === 46) {
      p++;
      if (!isDigit(text.charCodeAt(p))) throw NOT_PLAIN_JSON;
      while (isDigit(text.charCodeAt(p))) p++;
    }
    const e = text.charCodeAt(p);
    if (e === 101 || e === 69) {
      p++;
      const sign = text.charCodeAt(p);
      if (sign === 43 || sign === 45) p++;
      if (!isDigit(text.charCodeAt(p))) throw NOT_PLAIN_JSON;
      while (isDigit(text.charCodeAt(p))) p++;
    }
    // Past Jackson's number-length limit only the lexer can tell whether (and how) the text is refused.
    if (p - start > MAX_NUMBER_LENGTH) throw NOT_PLAIN_JSON;
    this.pos = p;
    return numberValue(text.slice(start, p));
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Reads event JSON text the way event-ruler sees it: number literals keep their text when it is not the
 * canonical form of their value ({@link NumberLiteral}), repeated keys keep every value ({@link RepeatedKeyValues}). A `__proto__`
 * key is an own data property, as with `JSON.parse`. Like event-ruler, nothing after the root value is read.
 * @throws JsonSyntaxError (with Jackson's message) when the text is not JSON.
 */
export function readEventJson(text: string): unknown {
  try {
    return new FastReader(text).read();
  } catch (error) {
    if (error !== NOT_PLAIN_JSON) throw error;
  }
  // Slow path, only for malformed text: the streaming lexer finds the problem and reports it as Jackson does.
  const lexer = new JsonLexer(text);
  const first = lexer.nextToken();
  return first === null ? undefined : readValue(lexer, first);
}

function readValue(lexer: JsonLexer, token: JsonToken): unknown {
  switch (token) {
    case 'START_OBJECT': {
      const object: Record<string, unknown> = {};
      for (let t = lexer.nextToken(); t === 'FIELD_NAME'; t = lexer.nextToken()) {
        const key = lexer.fieldName();
        const valueToken = lexer.nextToken();
        if (valueToken === null) break;
        setValue(object, key, readValue(lexer, valueToken));
      }
      return object;
    }
    case 'START_ARRAY': {
      const array: unknown[] = [];
      for (let t = lexer.nextToken(); t !== 'END_ARRAY' && t !== null; t = lexer.nextToken()) {
        array.push(readValue(lexer, t));
      }
      return array;
    }
    case 'VALUE_STRING':
      return lexer.getText();
    case 'VALUE_NUMBER':
      return numberValue(lexer.getText());
    case 'VALUE_TRUE':
      return true;
    case 'VALUE_FALSE':
      return false;
    case 'VALUE_NULL':
      return null;
    default:
      return undefined;
  }
}
