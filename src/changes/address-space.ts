/**
 * How much of the public internet a set of CIDR blocks lets in. A security-group rule is as open as the
 * addresses it admits, not as its spelling: `0.0.0.0/1` + `128.0.0.0/1`, four `/2`s or `::/1` + `8000::/1`
 * admit everyone exactly as `0.0.0.0/0` does. Blocks are merged (overlaps count once) and the address space
 * that is not publicly routable is subtracted, so `10.0.0.0/8` admits nobody from the internet.
 */

export type IpFamily = 'ipv4' | 'ipv6';

/** An inclusive range of addresses, as integers. */
interface Range {
  first: bigint;
  last: bigint;
}

const BITS: Readonly<Record<IpFamily, number>> = { ipv4: 32, ipv6: 128 };

/**
 * Address space that is not reachable from the internet, from the IANA special-purpose registries (RFC 6890
 * and its updates): "Globally Reachable: False" blocks, plus multicast and the reserved 240.0.0.0/4.
 * IPv6 public space is the global unicast block 2000::/3 (RFC 4291; everything else is link-local,
 * unique-local, multicast or unassigned), less its documentation blocks.
 */
const IPV4_NOT_PUBLIC = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the limited broadcast address
];
const IPV6_PUBLIC = '2000::/3';
const IPV6_NOT_PUBLIC = [
  '2001:db8::/32', // documentation (RFC 3849)
  '3fff::/20', // documentation (RFC 9637)
];

/** A CIDR block as a range; null when it is not one (`0.0.0.0/33`, `300.0.0.0/8`, a host name). */
function parseCidr(text: string, family: IpFamily): Range | null {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (match === null) return null;
  const bits = BITS[family];
  const prefix = Number(match[2]);
  if (prefix > bits) return null;
  const address = family === 'ipv4' ? parseIpv4(match[1] as string) : parseIpv6(match[1] as string);
  if (address === null) return null;
  // The host part is ignored, as EC2 does: `203.0.113.9/0` is every address.
  const size = 1n << BigInt(bits - prefix);
  const first = address - (address % size);
  return { first, last: first + size - 1n };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  // An IPv4 tail (`::ffff:1.2.3.4`, `::0.0.0.0`, RFC 4291 2.2) is two groups written as a dotted quad.
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted !== null) {
    const ipv4 = parseIpv4(dotted[2] as string);
    if (ipv4 === null) return null;
    return parseIpv6(`${dotted[1]}${(ipv4 >> 16n).toString(16)}:${(ipv4 & 0xffffn).toString(16)}`);
  }
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): string[] | null => {
    if (half === '') return [];
    const parts = half.split(':');
    return parts.every((part) => /^[0-9a-f]{1,4}$/.test(part)) ? parts : null;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  let value = 0n;
  for (const part of [...head, ...Array<string>(missing).fill('0'), ...tail]) {
    value = (value << 16n) | BigInt(`0x${part}`);
  }
  return value;
}

/** Sorted, non-overlapping, non-adjacent ranges covering exactly the input. */
function merge(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: Range[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && range.first <= previous.last + 1n) {
      if (range.last > previous.last) previous.last = range.last;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** The addresses of merged `ranges` outside merged `holes`. */
function countOutside(ranges: readonly Range[], holes: readonly Range[]): bigint {
  let total = 0n;
  for (const range of ranges) {
    total += size(range);
    for (const hole of holes) {
      const common = overlap(range, hole);
      if (common !== null) total -= size(common);
    }
  }
  return total;
}

function size(range: Range): bigint {
  return range.last - range.first + 1n;
}

/** The addresses two ranges share. */
function overlap(a: Range, b: Range): Range | null {
  // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
  const first = a.first > b.first ? a.first : b.first;
  // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints.
  const last = a.last < b.last ? a.last : b.last;
  return first <= last ? { first, last } : null;
}

function parseAll(cidrs: readonly string[], family: IpFamily): Range[] {
  return cidrs.map((cidr) => parseCidr(cidr, family)).filter((range): range is Range => range !== null);
}

const PUBLIC_SPACE: Readonly<Record<IpFamily, { within: Range[]; holes: Range[] }>> = {
  ipv4: { within: parseAll(['0.0.0.0/0'], 'ipv4'), holes: merge(parseAll(IPV4_NOT_PUBLIC, 'ipv4')) },
  ipv6: { within: parseAll([IPV6_PUBLIC], 'ipv6'), holes: merge(parseAll(IPV6_NOT_PUBLIC, 'ipv6')) },
};

/** How many publicly routable addresses the blocks admit together (overlaps counted once). */
export function publicAddressCount(cidrs: readonly string[], family: IpFamily): bigint {
  const { within, holes } = PUBLIC_SPACE[family];
  const inside = merge(parseAll(cidrs, family)).flatMap((range) =>
    within.map((area) => overlap(range, area)).filter((common): common is Range => common !== null),
  );
  return countOutside(inside, holes);
}

/** Every publicly routable address of the family. */
export const PUBLIC_ADDRESSES: Readonly<Record<IpFamily, bigint>> = {
  ipv4: countOutside(PUBLIC_SPACE.ipv4.within, PUBLIC_SPACE.ipv4.holes),
  ipv6: countOutside(PUBLIC_SPACE.ipv6.within, PUBLIC_SPACE.ipv6.holes),
};

/**
 * More public addresses than this is "the internet" for practical purposes. IPv4: more than one /8. A /8 is the
 * largest block any single organisation was ever given (the legacy class A networks), so a rule admitting more
 * than that cannot be "our offices" or "a partner": it lets in a large share of everyone, and an attacker
 * who splits 0.0.0.0/0 to dodge a /0 check still needs far more than that to be sure of including their own
 * address. IPv6: the same share (1/256) of the global unicast space 2000::/3, a /11: larger than the /12 blocks
 * IANA gives a whole regional registry.
 */
export const INTERNET_SIZED: Readonly<Record<IpFamily, bigint>> = { ipv4: 1n << 24n, ipv6: 1n << 117n };

/**
 * More public addresses than this on an admin or database port deserves a look. IPv4: more than a /16
 * (65,536 addresses: bigger than almost any company's egress range). IPv6: more than a /32, the standard
 * allocation to a whole ISP.
 */
export const LARGE_PUBLIC_RANGE: Readonly<Record<IpFamily, bigint>> = { ipv4: 1n << 16n, ipv6: 1n << 96n };

/** The public addresses one set of blocks admits, per family. */
export interface PublicReach {
  ipv4: bigint;
  ipv6: bigint;
}

export function publicReach(peers: ReadonlyArray<{ kind: string; value: string }>): PublicReach {
  const of = (family: IpFamily) =>
    publicAddressCount(
      peers.filter((peer) => peer.kind === family).map((peer) => peer.value),
      family,
    );
  return { ipv4: of('ipv4'), ipv6: of('ipv6') };
}

/** `internet`: more than {@link INTERNET_SIZED}; `large`: more than {@link LARGE_PUBLIC_RANGE}; else `small`. */
export function reachSize(reach: PublicReach): 'internet' | 'large' | 'small' {
  const families: IpFamily[] = ['ipv4', 'ipv6'];
  if (families.some((family) => reach[family] > INTERNET_SIZED[family])) return 'internet';
  if (families.some((family) => reach[family] > LARGE_PUBLIC_RANGE[family])) return 'large';
  return 'small';
}

/**
 * `the whole internet`, `18% of the public internet`, `16,777,216 public addresses`, `public IPv6 space the
 * size of a /12`: the reach in words, for a reason sentence.
 */
export function describeReach(reach: PublicReach): string {
  if (reach.ipv4 === PUBLIC_ADDRESSES.ipv4 || reach.ipv6 === PUBLIC_ADDRESSES.ipv6)
    return 'the whole internet';
  if (reachSize(reach) === 'internet') {
    const share = Math.max(
      percent(reach.ipv4, PUBLIC_ADDRESSES.ipv4),
      percent(reach.ipv6, PUBLIC_ADDRESSES.ipv6),
    );
    return `${Math.min(99, Math.max(1, Math.round(share)))}% of the public internet`;
  }
  if (reach.ipv4 > LARGE_PUBLIC_RANGE.ipv4) return `${reach.ipv4.toLocaleString('en-US')} public addresses`;
  return `public IPv6 space the size of a /${128 - (reach.ipv6.toString(2).length - 1)}`;
}

function percent(part: bigint, whole: bigint): number {
  return Number((part * 1_000_000n) / whole) / 10_000;
}
