import { BlockList, isIP } from 'node:net';

/** Parses `10.0.0.0/8, ::1/128` strictly: a non-canonical or malformed entry is a config error. */
export function parseCidrList(spec: string): BlockList {
  const list = new BlockList();
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addr, prefixRaw, extra] = raw.split('/');
    const family = isIP(addr);
    if (family === 0 || extra !== undefined) throw new Error(`not a CIDR: ${raw}`);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixRaw === undefined ? max : Number(prefixRaw);
    if (!/^\d+$/.test(prefixRaw ?? String(max)) || prefix < 0 || prefix > max) throw new Error(`bad prefix length in ${raw}`);
    list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

export function contains(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
