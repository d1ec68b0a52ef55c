import { EngineError } from '../errors';
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
export class JsonSyntaxError extends EngineError {
  readonly code = 'JsonSyntax';
}

const VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
const MAX_ERROR_TOKEN_LENGTH = 256;
/** Jackson's default StreamReadConstraints nesting limit. */
export const MAX_NESTING_DEPTH = 1000;
/** Jackson's default StreamReadConstraints number-length limit (digits, signs and separators not counted). */
export const MAX_NUMBER_LENGTH = 1000;
const EOF_IN_NUMBER = 'Unexpected end-of-input in a Number value';

const CTX_ROOT = 0;
const CTX_OBJECT = 1;
const CTX_ARRAY = 2;

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_PLUS = 43;
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
const IDENTIFIER_PART_CLASSES = /[\p{L}\p{Nl}\p{Nd}\p{Sc}\p{Pc}\p{Mn}\p{Mc}\p{Cf}]/u;

/** Java's `Character.isJavaIdentifierPart` for one UTF-16 unit, identifier-ignorable controls included. */
function isIdentifierPart(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code <= 0x08 || (code >= 0x0e && code <= 0x1b) || (code >= 0x7f && code <= 0x9f)) return true;
  return IDENTIFIER_PART_CLASSES.test(ch);
}

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
    if (expected === undefined) {
      throw new JsonSyntaxError(
        `Unexpected close marker '${actual}': no open ${c === CH_RBRACE ? 'Object' : 'Array'} to close`,
      );
    }
    if (expected !== actual) {
      const desc = context === CTX_OBJECT ? 'Object' : 'Array';
      throw new JsonSyntaxError(`Unexpected close marker '${actual}': expected '${expected}' (for ${desc})`);
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

  /** Reads the start of a value; numbers and literals completely, strings lazily (Jackson's `nextToken`). */
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
      case CH_RBRACE:
        // Only reachable after a comma in an array or after a colon: Jackson's own wording for that spot.
        throw this.unexpected(c, 'expected a value');
      case 116: // t
        this.matchLiteral('true', this.pos, 1);
        return 'VALUE_TRUE';
      case 102: // f
        this.matchLiteral('false', this.pos, 1);
        return 'VALUE_FALSE';
      case 110: // n
        this.matchLiteral('null', this.pos, 1);
        return 'VALUE_NULL';
      case CH_MINUS:
        this.numberText = this.readNumber(true);
        return 'VALUE_NUMBER';
      default:
        if (c >= CH_0 && c <= CH_9) {
          this.numberText = this.readNumber(false);
          return 'VALUE_NUMBER';
        }
        return this.oddValue(c);
    }
  }

  /** Jackson's `_handleOddValue` with every non-standard feature off. */
  private oddValue(c: number): never {
    const text = this.text;
    const start = this.pos;
    if (c === 78) this.nonStandardToken('NaN', start, 1); // N
    if (c === 73) this.nonStandardToken('Infinity', start, 1); // I
    if (c === CH_PLUS) {
      this.pos++;
      if (this.pos >= text.length) throw new JsonSyntaxError(EOF_IN_NUMBER);
      this.invalidNumberStart(start, false);
    }
    const ch = String.fromCharCode(c);
    if (IDENTIFIER_START.test(ch)) {
      this.pos++;
      throw this.invalidToken(ch);
    }
    throw this.unexpected(c, `expected a valid value ${VALID_VALUES}`);
  }

  /** A token Jackson recognises but refuses (`NaN`, `Infinity`, `-INF`, ...), or an invalid token. */
  private nonStandardToken(token: string, start: number, from: number): never {
    this.matchLiteral(token, start, from);
    throw new JsonSyntaxError(
      `Non-standard token '${token}': enable \`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS\` to allow`,
    );
  }

  /**
   * Jackson's `_handleInvalidNumberStart`: a sign (at `start`) not followed by a digit; `this.pos` is at the
   * character after the sign.
   */
  private invalidNumberStart(start: number, negative: boolean): never {
    const text = this.text;
    let c = text.charCodeAt(this.pos++);
    if (c === 73) {
      // I: -INF / -Infinity (and the + forms) get their own message.
      if (this.pos >= text.length) throw new JsonSyntaxError(EOF_IN_NUMBER);
      c = text.charCodeAt(this.pos++);
      const sign = negative ? '-' : '+';
      if (c === 78) this.nonStandardToken(`${sign}INF`, start, 3);
      if (c === 110) this.nonStandardToken(`${sign}Infinity`, start, 3);
    }
    if (!negative) {
      throw this.unexpectedInNumber(
        CH_PLUS,
        'JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow',
      );
    }
    throw this.unexpectedInNumber(c, 'expected digit (0-9) to follow minus sign, for valid numeric value');
  }

  /** Jackson's `_reportInvalidToken`: the matched part plus the identifier characters that follow. */
  private invalidToken(matched: string): JsonSyntaxError {
    let token = matched;
    const text = this.text;
    while (this.pos < text.length) {
      const ch = text.charAt(this.pos);
      if (!isIdentifierPart(ch)) break;
      this.pos++;
      token += ch;
      if (token.length >= MAX_ERROR_TOKEN_LENGTH) {
        token += '...';
        break;
      }
    }
    return new JsonSyntaxError(`Unrecognized token '${token}': was expecting ${VALID_VALUES}`);
  }

  /**
   * Jackson's `_matchToken`: `literal` starts at `start` in the text and its first `from` characters are
   * known to match. A literal directly followed by an identifier character is an invalid token, except that
   * Jackson only looks at characters from '0' up, other than ']' and '}'.
   */
  private matchLiteral(literal: string, start: number, from: number): void {
    const text = this.text;
    for (let i = from; i < literal.length; i++) {
      if (start + i >= text.length || text.charCodeAt(start + i) !== literal.charCodeAt(i)) {
        this.pos = start + i;
        throw this.invalidToken(literal.slice(0, i));
      }
    }
    this.pos = start + literal.length;
    if (this.pos >= text.length) return;
    const next = text.charCodeAt(this.pos);
    if (
      next >= CH_0 &&
      next !== CH_RBRACKET &&
      next !== CH_RBRACE &&
      isIdentifierPart(text.charAt(this.pos))
    ) {
      throw this.invalidToken(literal);
    }
  }

  /**
   * Reads a number the way Jackson's `_parseUnsignedNumber` / `_parseSignedNumber` (and their slow path
   * `_parseNumber2`) do, including the error each of them reports and the number-length limit.
   * `this.pos` is at the first character ('-' when `negative`).
   */
  private readNumber(negative: boolean): string {
    const text = this.text;
    const length = text.length;
    const start = this.pos;
    let p = negative ? start + 1 : start;
    if (negative) {
      if (p >= length) throw new JsonSyntaxError('Unexpected end-of-inputNo digit following sign');
      const d = text.charCodeAt(p);
      if (d === CH_DOT) {
        // Jackson hands "-." to its odd-value handler, which reports the '.' itself.
        this.pos = p + 1;
        throw this.unexpected(d, `expected a valid value ${VALID_VALUES}`);
      }
      if (!isDigit(d)) {
        this.pos = p;
        this.invalidNumberStart(start, true);
      }
    }
    // Jackson's slow path (a leading zero, or a number that runs to the end of the input) counts a missing
    // fraction or exponent as length -1 instead of 0 when it checks the number-length limit.
    let slow = text.charCodeAt(p) === CH_0;
    if (slow && p + 1 < length && isDigit(text.charCodeAt(p + 1))) {
      this.pos = p + 1;
      throw new JsonSyntaxError('Invalid numeric value: Leading zeroes not allowed');
    }
    const intStart = p;
    while (p < length && isDigit(text.charCodeAt(p))) p++;
    const intLength = p - intStart;
    let fractionLength = -1;
    let exponentLength = -1;
    if (p < length && text.charCodeAt(p) === CH_DOT) {
      p++;
      const fractionStart = p;
      while (p < length && isDigit(text.charCodeAt(p))) p++;
      fractionLength = p - fractionStart;
      if (fractionLength === 0) {
        this.pos = p;
        throw this.unexpectedInNumber(
          p < length ? text.charCodeAt(p) : CH_DOT,
          'Decimal point not followed by a digit',
        );
      }
    }
    const e = p < length ? text.charCodeAt(p) : -1;
    if (e === 101 || e === 69) {
      p++;
      const sign = p < length ? text.charCodeAt(p) : -1;
      if (sign === CH_MINUS || sign === CH_PLUS) p++;
      if (p >= length) {
        this.pos = p;
        throw new JsonSyntaxError('Unexpected end-of-inputexpected a digit for number exponent');
      }
      const exponentStart = p;
      while (p < length && isDigit(text.charCodeAt(p))) p++;
      exponentLength = p - exponentStart;
      if (exponentLength === 0) {
        this.pos = p;
        throw this.unexpectedInNumber(text.charCodeAt(p), 'Exponent indicator not followed by a digit');
      }
    }
    this.pos = p;
    if (p >= length) slow = true;
    else if (this.contexts.length === 1) this.verifyRootSpace(text.charCodeAt(p));
    const missing = slow ? -1 : 0;
    const isInteger = fractionLength < 0 && exponentLength < 0;
    const numberLength = isInteger
      ? intLength
      : intLength +
        (fractionLength < 0 ? missing : fractionLength) +
        (exponentLength < 0 ? missing : exponentLength);
    if (numberLength > MAX_NUMBER_LENGTH) {
      throw new JsonSyntaxError(
        `Number value length (${numberLength}) exceeds the maximum allowed (${MAX_NUMBER_LENGTH}, from \`StreamReadConstraints.getMaxNumberLength()\`)`,
      );
    }
    return text.slice(start, p);
  }

  /** Jackson's `_verifyRootSpace`: a root-level number must be followed by white space. */
  private verifyRootSpace(c: number): void {
    if (c === CH_SPACE || c === CH_TAB || c === CH_CR || c === CH_LF) return;
    this.pos++;
    throw this.unexpected(c, 'Expected space separating root-level values');
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
            ? 'Unexpected end-of-input in field name'
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
