import { FAMILY_BITS, formatIp, IpAddress, IpFamily, isMappedV4, parseIp, unmapIp } from './ip-address';

/**
 * A network in its one canonical spelling. Rules are compared, deduplicated and shown by that
 * spelling, so anything that is not already canonical is refused with the form to write instead
 * (never silently rewritten): `010.0.0.1/32`, `10.0.0.1/8` (host bits set), `2001:DB8::/32`,
 * `2001:0db8::/32`, `::ffff:1.2.3.4/128` (write `1.2.3.4/32`), zone ids and `/08`.
 */
export interface Cidr {
  family: IpFamily;
  network: bigint;
  prefix: number;
  text: string;
}

export class CidrError extends Error {}

const PREFIX = /^(0|[1-9]\d{0,2})$/;

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new CidrError(`'${text}' needs a prefix length, e.g. '${text}/32' or '${text}/128'`);
  return canonical(text, text.slice(0, slash), text.slice(slash + 1));
}

function canonical(text: string, addrText: string, prefixText: string): Cidr {
  const addr = parseIp(addrText);
  if (!addr) throw new CidrError(`'${text}' is not an IPv4 or IPv6 network`);
  const bits = FAMILY_BITS[addr.family];
  if (!PREFIX.test(prefixText) || Number(prefixText) > bits) throw new CidrError(`'${text}' has a bad prefix length (0-${bits}, no leading zeros)`);
  const prefix = Number(prefixText);
  if (isMappedV4(addr) && prefix >= 96) {
    const v4 = unmapIp(addr);
    throw new CidrError(`'${text}' is an IPv4-mapped address: write it as IPv4, '${formatIp(v4)}/${prefix - 96}'`);
  }
  const spelled = formatIp(addr);
  if (spelled !== addrText) throw new CidrError(`'${text}' is not in canonical form: write '${spelled}/${prefix}'`);
  const network = addr.value & mask(addr.family, prefix);
  if (network !== addr.value) throw new CidrError(`'${text}' has host bits set: the network is '${formatIp({ family: addr.family, value: network })}/${prefix}'`);
  return { family: addr.family, network, prefix, text: `${spelled}/${prefix}` };
}

export function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(FAMILY_BITS[family]);
  const all = (1n << bits) - 1n;
  return (all >> BigInt(prefix)) ^ all;
}

export function cidrContains(c: Cidr, a: IpAddress): boolean {
  return a.family === c.family && (a.value & mask(c.family, c.prefix)) === c.network;
}

export interface CidrList {
  readonly cidrs: readonly Cidr[];
  contains(ip: string): boolean;
}

/**
 * Parses a configured list (`10.0.0.0/8, fd00::/8, 192.0.2.7`): entries are canonical, and a bare
 * address means that one host. Any bad entry is a config error.
 */
export function parseCidrList(spec: string): CidrList {
  const cidrs = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      if (raw.includes('/')) return parseCidr(raw);
      const a = parseIp(raw);
      return canonical(raw, raw, String(a ? FAMILY_BITS[a.family] : 0));
    });
  return {
    cidrs,
    contains(ip: string) {
      const a = parseIp(ip);
      if (!a) return false;
      const u = unmapIp(a);
      return cidrs.some((c) => cidrContains(c, u));
    },
  };
}
