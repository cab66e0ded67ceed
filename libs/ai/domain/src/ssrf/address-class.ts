/**
 * What kind of network an upstream's resolved address is on. The call path refuses every class but
 * `public` unless the operator's allow-list names the address (a local Ollama, the test stack's
 * loopback fakes): a base URL is the admin's input, and a name that resolves to the cloud metadata
 * service or the cluster network must not become a way in (SSRF).
 */
export const ADDRESS_CLASSES = ['public', 'loopback', 'private', 'cgnat', 'link_local', 'metadata', 'unique_local', 'unspecified', 'multicast', 'broadcast', 'reserved'] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

/** An address as a number (the form the gateway's IP rules use too), so ranges compare bits. */
export interface NumericAddress {
  family: 4 | 6;
  value: bigint;
}

interface Range {
  family: 4 | 6;
  network: bigint;
  prefix: number;
  cls: AddressClass;
}

const v4 = (a: number, b: number, c: number, d: number) => (BigInt(a) << 24n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);
const r4 = (net: bigint, prefix: number, cls: AddressClass): Range => ({ family: 4, network: net, prefix, cls });
const r6 = (net: bigint, prefix: number, cls: AddressClass): Range => ({ family: 6, network: net, prefix, cls });

/** Most specific first: the metadata host lies inside link-local, fd00:ec2::254 inside the ULA range. */
const RANGES: Range[] = [
  r4(v4(169, 254, 169, 254), 32, 'metadata'),
  r4(v4(255, 255, 255, 255), 32, 'broadcast'),
  r4(v4(0, 0, 0, 0), 8, 'unspecified'),
  r4(v4(127, 0, 0, 0), 8, 'loopback'),
  r4(v4(10, 0, 0, 0), 8, 'private'),
  r4(v4(172, 16, 0, 0), 12, 'private'),
  r4(v4(192, 168, 0, 0), 16, 'private'),
  r4(v4(100, 64, 0, 0), 10, 'cgnat'),
  r4(v4(169, 254, 0, 0), 16, 'link_local'),
  r4(v4(224, 0, 0, 0), 4, 'multicast'),
  r4(v4(240, 0, 0, 0), 4, 'reserved'),
  r6(0xfd00_0ec2_0000_0000_0000_0000_0000_0254n, 128, 'metadata'),
  r6(0n, 128, 'unspecified'),
  r6(1n, 128, 'loopback'),
  r6(0xfe80n << 112n, 10, 'link_local'),
  r6(0xfc00n << 112n, 7, 'unique_local'),
  r6(0xff00n << 112n, 8, 'multicast'),
];

const ALL6 = (1n << 128n) - 1n;
const ALL4 = (1n << 32n) - 1n;

function contains(r: Range, a: NumericAddress): boolean {
  const bits = a.family === 4 ? 32n : 128n;
  const all = a.family === 4 ? ALL4 : ALL6;
  const mask = (all >> BigInt(r.prefix)) ^ all;
  return r.family === a.family && (a.value & mask) === r.network && bits > 0n;
}

/**
 * IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped `::ffff:a.b.c.d`
 * (what a dual-stack socket connects to), NAT64 `64:ff9b::a.b.c.d` and the old IPv4-compatible
 * `::a.b.c.d`; otherwise `::ffff:127.0.0.1` would pass as a "public" IPv6 address.
 */
export function embeddedIpv4(a: NumericAddress): NumericAddress | undefined {
  if (a.family !== 6) return undefined;
  const high = a.value >> 32n;
  if (high === 0xffffn || high === 0x64_ff9b_0000_0000_0000_0000n || (high === 0n && a.value > 1n)) return { family: 4, value: a.value & ALL4 };
  return undefined;
}

export function classifyAddress(a: NumericAddress): AddressClass {
  const inner = embeddedIpv4(a);
  if (inner) return classifyAddress(inner);
  return RANGES.find((r) => contains(r, a))?.cls ?? 'public';
}

/** Decides one resolved address: public ones pass, others only when the allow-list names them. */
export function addressVerdict(a: NumericAddress, allowListed: (a: NumericAddress) => boolean): { allowed: boolean; cls: AddressClass } {
  const cls = classifyAddress(a);
  if (cls === 'public') return { allowed: true, cls };
  const inner = embeddedIpv4(a);
  return { allowed: allowListed(a) || (inner !== undefined && allowListed(inner)), cls };
}

/** Parses a resolver's answer (dotted IPv4 or IPv6 text); undefined when it is neither. */
export function parseAddress(text: string): NumericAddress | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((p) => p <= 255) ? { family: 4, value: v4(parts[0], parts[1], parts[2], parts[3]) } : undefined;
  }
  if (!text.includes(':') || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): bigint[] | undefined => {
    if (s === '') return [];
    const out: bigint[] = [];
    for (const p of s.split(':')) {
      if (p.includes('.')) {
        const inner = parseAddress(p);
        if (inner?.family !== 4) return undefined;
        out.push(inner.value >> 16n, inner.value & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(BigInt(`0x${p}`));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const given = head.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const all = [...head, ...Array<bigint>(8 - given).fill(0n), ...tail];
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | g, 0n) };
}
