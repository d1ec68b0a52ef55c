import { EngineError } from '../errors';
/**
 * IP addresses and CIDR blocks the way event-ruler handles them: an address becomes a string of upper-case hex
 * digits (8 for IPv4, 32 for IPv6) and a block becomes a range of such strings, matched digit by digit.
 *
 * The digit-by-digit walk is event-ruler's byte-trie range match: a value matches as soon as its leading
 * digits decide that it lies inside the range, and a value that ends before that point does not match.
 * For values of the range's own length that is ordinary range membership; it also means an IPv4 block can
 * match an IPv6 address whose leading hex digits fall inside it, and the reverse. That is what the service
 * does, so it is reproduced rather than "fixed".
 */

/** A range of hex-digit strings, both ends of the same length. */
export interface HexRange {
  readonly bottom: string;
  readonly top: string;
  readonly openBottom: boolean;
  readonly openTop: boolean;
}

/** The reason a CIDR operand is rejected; the message is event-ruler's. */
export class CidrSyntaxError extends EngineError {
  readonly code = 'CidrSyntax';
}

// event-ruler only hands strings of these shapes to InetAddress, to avoid a DNS lookup for host names.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX = '0123456789ABCDEF';

function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** Java's IPv4 literal parser for the dotted-quad shape (leading zeros are decimal, at most 15 chars). */
function parseIpv4(text: string): number[] | undefined {
  if (text.length > 15) return undefined;
  const parts = text.split('.');
  const bytes: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (group.length === 0 || group.length > 4) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}

/** Java's IPv6 literal parser; IPv4-mapped addresses come back as 4 bytes, as Java's InetAddress does. */
function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function toHex(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4] + (HEX[b & 0xf] ?? '');
  return out;
}

function parseIpBytes(text: string): number[] | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Hex digits of an IP address literal, or undefined when the text is not one. */
export function ipToHex(text: string): string | undefined {
  if (!looksLikeIp(text)) return undefined;
  const bytes = parseIpBytes(text);
  return bytes === undefined ? undefined : toHex(bytes);
}

/**
 * The one-address range event-ruler compiles an IP literal in an exact-match array into (so textual variants
 * of the same address match), or undefined when the string is not an IP literal.
 */
export function ipLiteralRange(text: string): HexRange | undefined {
  const hex = ipToHex(text);
  if (hex === undefined) return undefined;
  const last = hex.length - 1;
  const lastDigit = hex.charAt(last);
  if (lastDigit === 'F') {
    return { bottom: `${hex.slice(0, last)}E`, top: hex, openBottom: true, openTop: false };
  }
  const next = lastDigit === '9' ? 'A' : String.fromCharCode(lastDigit.charCodeAt(0) + 1);
  return { bottom: hex, top: `${hex.slice(0, last)}${next}`, openBottom: false, openTop: true };
}

/** Java's `String.split(regex)` for a single literal char: trailing empty strings are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '' && text.length > 0) return [];
  return parts;
}

/** Java's `Integer.parseInt`. */
function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value > 2147483647 || value < -2147483648 ? undefined : value;
}

/**
 * The range of a CIDR block.
 * @throws CidrSyntaxError with event-ruler's message when the block is malformed.
 */
export function cidrRange(cidr: string): HexRange {
  const parts = javaSplit(cidr, '/');
  if (parts.length !== 2) throw new CidrSyntaxError("Malformed CIDR, one '/' required");
  const [address = '', maskText = ''] = parts;
  const maskBits = parseJavaInt(maskText);
  if (maskBits === undefined) throw new CidrSyntaxError('Malformed CIDR, mask bits must be an integer');
  if (maskBits < 0) throw new CidrSyntaxError('Malformed CIDR, mask bits must not be negative');
  if (!looksLikeIp(address)) throw new CidrSyntaxError(`Nonstandard IP address: ${address}`);
  const bytes = parseIpBytes(address);
  if (bytes === undefined) throw new CidrSyntaxError(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && maskBits > 31) throw new CidrSyntaxError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new CidrSyntaxError('IPv6 mask bits must be < 128');

  const bottom: number[] = [];
  const top: number[] = [];
  let variableBits = bytes.length * 8 - maskBits;
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i] ?? 0;
    const bits = Math.min(8, Math.max(0, variableBits));
    const low = (1 << bits) - 1;
    bottom[i] = b & ~low & 0xff;
    top[i] = b | low;
    variableBits -= 8;
  }
  return { bottom: toHex(bottom), top: toHex(top), openBottom: false, openTop: false };
}

/** An upper-case hex digit: the only bytes event-ruler's range transitions are built on. */
function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}

/**
 * event-ruler's digit-by-digit range match (see the module comment). `value` is the hex form of an address,
 * or the literal text of an event number, which event-ruler walks through the same byte machine (its digits
 * and an upper-case `E` are hex digits; any other character ends the walk without a match).
 */
export function hexRangeMatches(value: string, range: HexRange): boolean {
  const { bottom, top } = range;
  const length = bottom.length;
  let fork = 0;
  while (fork < length && bottom.charCodeAt(fork) === top.charCodeAt(fork)) {
    if (fork >= value.length || value.charCodeAt(fork) !== bottom.charCodeAt(fork)) return false;
    fork++;
  }
  if (fork >= length || fork >= value.length) return false;
  const c = value.charCodeAt(fork);
  const b = bottom.charCodeAt(fork);
  const t = top.charCodeAt(fork);
  if (c > b && c < t) return isHexDigit(c);
  const last = length - 1;
  if (fork === last) {
    return (c === b && !range.openBottom) || (c === t && !range.openTop);
  }
  if (c === b) {
    for (let j = fork + 1; j <= last; j++) {
      if (j >= value.length) return false;
      const d = value.charCodeAt(j);
      const e = bottom.charCodeAt(j);
      if (d > e) return isHexDigit(d);
      if (d < e) return false;
      if (j === last) return !range.openBottom;
    }
    return false;
  }
  if (c === t) {
    for (let j = fork + 1; j <= last; j++) {
      if (j >= value.length) return false;
      const d = value.charCodeAt(j);
      const e = top.charCodeAt(j);
      if (d < e) return isHexDigit(d);
      if (d > e) return false;
      if (j === last) return !range.openTop;
    }
  }
  return false;
}
