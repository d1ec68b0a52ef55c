import { JsonLexer, type JsonToken } from './json-lexer';
import { comparableNumber, UncomparableNumber } from './numbers';

/**
 * Values of a key that occurs more than once in one event object. event-ruler streams events and sees every
 * occurrence, so each of them can match (unlike `JSON.parse`, which keeps the last one).
 */
export class RepeatedKeyValues {
  constructor(readonly values: unknown[]) {}
}

/**
 * Reads event JSON text the way event-ruler sees it: number literals that cannot be compared numerically
 * stay {@link UncomparableNumber}, repeated keys keep every value ({@link RepeatedKeyValues}). Objects have
 * no prototype so that keys such as `__proto__` are plain data.
 * @throws JsonSyntaxError when the text is not JSON.
 */
export function readEventJson(text: string): unknown {
  const lexer = new JsonLexer(text);
  const first = lexer.nextToken();
  if (first === null) return undefined;
  return readValue(lexer, first);
}

function readValue(lexer: JsonLexer, token: JsonToken): unknown {
  switch (token) {
    case 'START_OBJECT': {
      const object: Record<string, unknown> = Object.create(null);
      for (let t = lexer.nextToken(); t !== 'END_OBJECT'; t = lexer.nextToken()) {
        const key = lexer.fieldName();
        const valueToken = lexer.nextToken();
        if (valueToken === null) break;
        const value = readValue(lexer, valueToken);
        if (Object.hasOwn(object, key)) {
          const previous = object[key];
          object[key] =
            previous instanceof RepeatedKeyValues
              ? new RepeatedKeyValues([...previous.values, value])
              : new RepeatedKeyValues([previous, value]);
        } else {
          object[key] = value;
        }
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
    case 'VALUE_NUMBER': {
      const text = lexer.getText();
      const value = comparableNumber(text);
      return value === undefined ? new UncomparableNumber(text) : value;
    }
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
