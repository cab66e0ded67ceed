import { addressVerdict, AddressClass, classifyAddress, NumericAddress, parseAddress } from './address-class';

const ip = (text: string): NumericAddress => {
  const a = parseAddress(text);
  if (!a) throw new Error(`test address ${text} did not parse`);
  return a;
};

describe('classifyAddress', () => {
  const cases: [string, AddressClass][] = [
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.10.10', 'link_local'],
    ['fe80::1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['fd12:3456::1', 'unique_local'],
    ['fc00::1', 'unique_local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    // IPv6 spellings of IPv4 addresses are judged by the IPv4 address they carry
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['::10.0.0.1', 'private'],
  ];
  it.each(cases)('%s is %s', (text, cls) => {
    expect(classifyAddress(ip(text))).toBe(cls);
  });
});

describe('addressVerdict', () => {
  const loopbackOnly = (a: NumericAddress) => (a.family === 4 && a.value >> 24n === 127n) || (a.family === 6 && a.value === 1n);

  it('refuses every non-public class without an allow-list', () => {
    for (const text of ['127.0.0.1', '10.0.0.1', '169.254.169.254', 'fd00:ec2::254', '::ffff:127.0.0.1', '100.64.1.1', 'fc00::1']) {
      expect(addressVerdict(ip(text), () => false).allowed).toBe(false);
    }
    expect(addressVerdict(ip('8.8.8.8'), () => false)).toEqual({ allowed: true, cls: 'public' });
  });

  it('allows what the allow-list names, including an IPv4-mapped spelling of it, and nothing else', () => {
    expect(addressVerdict(ip('127.0.0.1'), loopbackOnly).allowed).toBe(true);
    expect(addressVerdict(ip('::ffff:127.0.0.1'), loopbackOnly).allowed).toBe(true);
    expect(addressVerdict(ip('169.254.169.254'), loopbackOnly)).toEqual({ allowed: false, cls: 'metadata' });
  });
});

describe('parseAddress', () => {
  it('reads resolver answers and refuses what is not an address', () => {
    expect(parseAddress('1.2.3.4')).toEqual({ family: 4, value: 0x01020304n });
    expect(parseAddress('::1')).toEqual({ family: 6, value: 1n });
    for (const bad of ['1.2.3', '256.1.1.1', 'example.com', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9']) expect(parseAddress(bad)).toBeUndefined();
  });
});
