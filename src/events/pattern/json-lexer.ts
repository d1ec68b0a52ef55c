/**
 * A pull tokenizer over JSON text that behaves like the Jackson streaming parser event-ruler uses.
 *
 * EventBridge validates a pattern while it streams it: the first problem in document order wins, whether it
 * is a JSON syntax error or a pattern rule. To report the same reason as the service, the pattern compiler
 * pulls tokens one at a time from this lexer, and the lexer reproduces Jackson's laziness:
 * - a field name token also reads the value that follows it (numbers and `true`/`false`/`null` are checked
 *   at that moment, as Jackson does),
 * - string contents are only checked when the text is read or the string is skipped,
 * - nothing after the root value is ever read.
 * Error texts are Jackson's, without the `at [Source: …]` location suffix that the service strips.
 */

export type JsonToken =
  | 'START_OBJECT'
  | 'END_OBJECT'
  | 'START_ARRAY'
  | 'END_ARRAY'
  | 'FIELD_NAME'
  | 'VALUE_STRING'
  | 'VALUE_NUMBER'
  | 'VALUE_TRUE'
  | 'VALUE_FALSE'
  | 'VALUE_NULL';

/** Malformed JSON text; the message is the one Jackson reports. */
export class JsonSyntaxError extends Error {
  readonly code = 'JsonSyntax';
}

const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_ERROR_TOKEN_LENGTH = 256;
/** Jackson's default StreamReadConstraints nesting limit. */
export const MAX_NESTING_DEPTH = 1000;

const CTX_ROOT = 0;
const CTX_OBJECT = 1;
const CTX_ARRAY = 2;

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

const IDENTIFIER_START = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const IDENTIFIER_PART = /[\p{L}\p{Nl}\p{Nd}\p{Sc}\p{Pc}\p{Mn}\p{Mc}]/u;

/** Jackson's `_getCharDesc`. */
function describeChar(code: number): string {
  const ch = String.fromCharCode(code);
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}

export class JsonLexer {
  private pos = 0;
  private current: JsonToken | null = null;
  /** The value token already read behind the current FIELD_NAME. */
  private pending: JsonToken | null = null;
  private name = '';
  /** Text of the current number token (or of the pending one behind a field name). */
  private numberText = '';
  private pendingNumberText = '';
  /** Start (after the opening quote) of a string whose contents have not been checked yet. */
  private stringStart = -1;
  private stringIncomplete = false;
  private stringValue = '';
  private readonly contexts: number[] = [CTX_ROOT];
  private readonly hasEntries: boolean[] = [false];

  constructor(private readonly text: string) {}

  /** The next token, or null at the end of the input after the root value. */
  nextToken(): JsonToken | null {
    if (this.current === 'FIELD_NAME') {
      const token = this.pending;
      this.pending = null;
      this.numberText = this.pendingNumberText;
      this.enter(token);
      this.current = token;
      return token;
    }
    if (this.stringIncomplete) this.finishString();

    let c = this.skipWhitespace();
    const depth = this.contexts.length - 1;
    const context = this.contexts[depth] ?? CTX_ROOT;
    if (c < 0) {
      if (context === CTX_ROOT) {
        this.current = null;
        return null;
      }
      const type = context === CTX_OBJECT ? 'Object' : 'Array';
      throw new JsonSyntaxError(`Unexpected end-of-input: expected close marker for ${type}`);
    }
    if (c === CH_RBRACKET || c === CH_RBRACE) {
      this.pos++;
      return this.close(c, context);
    }
    if (this.hasEntries[depth] === true) {
      if (c !== CH_COMMA) {
        const what = context === CTX_OBJECT ? 'Object' : 'Array';
        throw this.unexpected(c, `was expecting comma to separate ${what} entries`);
      }
      this.pos++;
      c = this.skipWhitespace();
      if (c < 0) throw this.eofBetweenEntries(context);
    }
    if (context !== CTX_ROOT) this.hasEntries[depth] = true;

    if (context === CTX_OBJECT) {
      this.name = this.readName(c);
      c = this.skipWhitespace();
      if (c !== CH_COLON) {
        if (c < 0) throw this.eofBetweenEntries(context);
        throw this.unexpected(c, 'was expecting a colon to separate field name and value');
      }
      this.pos++;
      c = this.skipWhitespace();
      if (c < 0) throw this.eofBetweenEntries(context);
      this.pending = this.readValueStart(c);
      this.pendingNumberText = this.numberText;
      this.current = 'FIELD_NAME';
      return 'FIELD_NAME';
    }
    const token = this.readValueStart(c);
    this.enter(token);
    this.current = token;
    return token;
  }

  /** The current field name (valid while the current token is FIELD_NAME). */
  fieldName(): string {
    return this.name;
  }

  /** Jackson's `getText()` for the current token; reading a string checks its contents. */
  getText(): string {
    switch (this.current) {
      case 'FIELD_NAME':
        return this.name;
      case 'VALUE_STRING':
        if (this.stringIncomplete) this.finishString();
        return this.stringValue;
      case 'VALUE_NUMBER':
        return this.numberText;
      case 'VALUE_TRUE':
        return 'true';
      case 'VALUE_FALSE':
        return 'false';
      case 'VALUE_NULL':
        return 'null';
      case 'START_OBJECT':
        return '{';
      case 'END_OBJECT':
        return '}';
      case 'START_ARRAY':
        return '[';
      case 'END_ARRAY':
        return ']';
      default:
        return '';
    }
  }

  private enter(token: JsonToken | null): void {
    if ((token === 'START_OBJECT' || token === 'START_ARRAY') && this.contexts.length > MAX_NESTING_DEPTH) {
      throw new JsonSyntaxError(
        `Document nesting depth (${this.contexts.length}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
    if (token === 'START_OBJECT') {
      this.contexts.push(CTX_OBJECT);
      this.hasEntries.push(false);
    } else if (token === 'START_ARRAY') {
      this.contexts.push(CTX_ARRAY);
      this.hasEntries.push(false);
    }
  }

  private close(c: number, context: number): JsonToken {
    const expected = context === CTX_OBJECT ? '}' : context === CTX_ARRAY ? ']' : undefined;
    const actual = String.fromCharCode(c);
    if (expected !== actual) {
      const desc = context === CTX_OBJECT ? 'Object' : context === CTX_ARRAY ? 'Array' : 'root';
      const want = expected ?? (c === CH_RBRACE ? ']' : '}');
      throw new JsonSyntaxError(`Unexpected close marker '${actual}': expected '${want}' (for ${desc})`);
    }
    this.contexts.pop();
    this.hasEntries.pop();
    const token: JsonToken = c === CH_RBRACE ? 'END_OBJECT' : 'END_ARRAY';
    this.current = token;
    return token;
  }

  private eofBetweenEntries(context: number): JsonSyntaxError {
    const type = context === CTX_OBJECT ? 'Object' : 'Array';
    return new JsonSyntaxError(`Unexpected end-of-input within/between ${type} entries`);
  }

  private unexpected(c: number, comment: string): JsonSyntaxError {
    return new JsonSyntaxError(`Unexpected character (${describeChar(c)}): ${comment}`);
  }

  /** Skips JSON whitespace; returns the next char code, or -1 at the end. */
  private skipWhitespace(): number {
    const text = this.text;
    const length = text.length;
    while (this.pos < length) {
      const c = text.charCodeAt(this.pos);
      if (c === CH_SPACE || c === CH_LF || c === CH_CR || c === CH_TAB) {
        this.pos++;
        continue;
      }
      if (c === CH_SLASH) {
        throw this.unexpected(
          c,
          "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
        );
      }
      if (c < CH_SPACE) {
        throw new JsonSyntaxError(
          `Illegal character (${describeChar(c)}): only regular white space (\\r, \\n, \\t) is allowed between tokens`,
        );
      }
      return c;
    }
    return -1;
  }

  private readName(c: number): string {
    if (c !== CH_QUOTE) throw this.unexpected(c, 'was expecting double-quote to start field name');
    this.pos++;
    return this.readStringBody('name');
  }

  /** Reads the start of a value; numbers and literals completely, strings lazily. */
  private readValueStart(c: number): JsonToken {
    switch (c) {
      case CH_QUOTE:
        this.pos++;
        this.stringStart = this.pos;
        this.stringIncomplete = true;
        return 'VALUE_STRING';
      case CH_LBRACKET:
        this.pos++;
        return 'START_ARRAY';
      case CH_LBRACE:
        this.pos++;
        return 'START_OBJECT';
      case 116: // t
        this.matchLiteral('true');
        return 'VALUE_TRUE';
      case 102: // f
        this.matchLiteral('false');
        return 'VALUE_FALSE';
      case 110: // n
        this.matchLiteral('null');
        return 'VALUE_NULL';
      default:
        if (c === CH_MINUS || (c >= CH_0 && c <= CH_9)) {
          this.numberText = this.readNumber();
          return 'VALUE_NUMBER';
        }
        return this.oddValue(c);
    }
  }

  private oddValue(c: number): never {
    if (c === 78 && this.text.startsWith('NaN', this.pos)) {
      throw new JsonSyntaxError(
        "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow",
      );
    }
    const ch = String.fromCharCode(c);
    if (IDENTIFIER_START.test(ch)) {
      this.pos++;
      throw this.invalidToken(ch);
    }
    throw this.unexpected(c, `expected a valid value ${VALID_VALUES}`);
  }

  /** Jackson's `_reportInvalidToken`: the matched part plus the identifier characters that follow. */
  private invalidToken(matched: string): JsonSyntaxError {
    let token = matched;
    const text = this.text;
    while (this.pos < text.length) {
      const ch = text.charAt(this.pos);
      if (!IDENTIFIER_PART.test(ch)) break;
      this.pos++;
      token += ch;
      if (token.length >= MAX_ERROR_TOKEN_LENGTH) {
        token += '...';
        break;
      }
    }
    return new JsonSyntaxError(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }

  private matchLiteral(literal: string): void {
    const text = this.text;
    const start = this.pos;
    for (let i = 1; i < literal.length; i++) {
      if (start + i >= text.length || text.charCodeAt(start + i) !== literal.charCodeAt(i)) {
        this.pos = start + i;
        throw this.invalidToken(literal.slice(0, i));
      }
    }
    this.pos = start + literal.length;
    if (this.pos < text.length && IDENTIFIER_PART.test(text.charAt(this.pos))) {
      throw this.invalidToken(literal);
    }
  }

  private readNumber(): string {
    const text = this.text;
    const start = this.pos;
    let p = start;
    if (text.charCodeAt(p) === CH_MINUS) {
      p++;
      const d = p < text.length ? text.charCodeAt(p) : -1;
      if (d < CH_0 || d > CH_9) {
        this.pos = p;
        if (d < 0) throw new JsonSyntaxError('Unexpected end-of-input in numeric value');
        throw this.unexpectedInNumber(
          d,
          'expected digit (0-9) to follow minus sign, for valid numeric value',
        );
      }
    }
    if (text.charCodeAt(p) === CH_0) {
      const next = p + 1 < text.length ? text.charCodeAt(p + 1) : -1;
      if (next >= CH_0 && next <= CH_9) {
        this.pos = p + 1;
        throw new JsonSyntaxError('Invalid numeric value: Leading zeroes not allowed');
      }
    }
    while (p < text.length && isDigit(text.charCodeAt(p))) p++;
    if (p < text.length && text.charCodeAt(p) === CH_DOT) {
      p++;
      const fractionStart = p;
      while (p < text.length && isDigit(text.charCodeAt(p))) p++;
      if (p === fractionStart) {
        this.pos = p;
        if (p >= text.length) throw new JsonSyntaxError('Unexpected end-of-input in numeric value');
        throw this.unexpectedInNumber(text.charCodeAt(p), 'Decimal point not followed by a digit');
      }
    }
    const e = p < text.length ? text.charCodeAt(p) : -1;
    if (e === 101 || e === 69) {
      p++;
      const sign = p < text.length ? text.charCodeAt(p) : -1;
      if (sign === CH_MINUS || sign === 43) p++;
      const exponentStart = p;
      while (p < text.length && isDigit(text.charCodeAt(p))) p++;
      if (p === exponentStart) {
        this.pos = p;
        if (p >= text.length) throw new JsonSyntaxError('Unexpected end-of-input in numeric value');
        throw this.unexpectedInNumber(text.charCodeAt(p), 'Exponent indicator not followed by a digit');
      }
    }
    this.pos = p;
    return text.slice(start, p);
  }

  private unexpectedInNumber(c: number, comment: string): JsonSyntaxError {
    return new JsonSyntaxError(`Unexpected character (${describeChar(c)}) in numeric value: ${comment}`);
  }

  private finishString(): void {
    this.pos = this.stringStart;
    this.stringIncomplete = false;
    this.stringValue = this.readStringBody('string value');
  }

  /** Reads string contents after the opening quote, through the closing quote. */
  private readStringBody(what: 'name' | 'string value'): string {
    const text = this.text;
    const length = text.length;
    let p = this.pos;
    let chunkStart = p;
    let out = '';
    for (;;) {
      if (p >= length) {
        this.pos = p;
        throw new JsonSyntaxError(
          what === 'name'
            ? `Unexpected end-of-input: was expecting closing '"' for name`
            : 'Unexpected end-of-input: was expecting closing quote for a string value',
        );
      }
      const c = text.charCodeAt(p);
      if (c === CH_QUOTE) {
        out += text.slice(chunkStart, p);
        this.pos = p + 1;
        return out;
      }
      if (c === CH_BACKSLASH) {
        out += text.slice(chunkStart, p);
        p++;
        if (p >= length) {
          this.pos = p;
          throw new JsonSyntaxError('Unexpected end-of-input in character escape sequence');
        }
        const e = text.charCodeAt(p);
        p++;
        switch (e) {
          case 98:
            out += '\b';
            break;
          case 116:
            out += '\t';
            break;
          case 110:
            out += '\n';
            break;
          case 102:
            out += '\f';
            break;
          case 114:
            out += '\r';
            break;
          case CH_QUOTE:
          case CH_SLASH:
          case CH_BACKSLASH:
            out += String.fromCharCode(e);
            break;
          case 117: {
            let value = 0;
            for (let i = 0; i < 4; i++) {
              if (p >= length) {
                this.pos = p;
                throw new JsonSyntaxError('Unexpected end-of-input in character escape sequence');
              }
              const h = hexValue(text.charCodeAt(p));
              if (h < 0) {
                this.pos = p;
                throw this.unexpected(
                  text.charCodeAt(p),
                  'expected a hex-digit for character escape sequence',
                );
              }
              value = (value << 4) | h;
              p++;
            }
            out += String.fromCharCode(value);
            break;
          }
          default:
            this.pos = p;
            throw new JsonSyntaxError(`Unrecognized character escape ${describeChar(e)}`);
        }
        chunkStart = p;
        continue;
      }
      if (c < CH_SPACE) {
        this.pos = p;
        throw new JsonSyntaxError(
          `Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in ${what}`,
        );
      }
      p++;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function hexValue(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
