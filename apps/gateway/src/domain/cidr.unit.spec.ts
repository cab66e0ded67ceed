import { parseCidr, parseCidrList } from './cidr';
import { formatIp, parseIp, unmapIp } from './ip-address';

describe('parseCidr accepts canonical networks only', () => {
  it.each([
    ['10.0.0.0/8', 4, 8],
    ['0.0.0.0/0', 4, 0],
    ['192.0.2.7/32', 4, 32],
    ['2001:db8::/32', 6, 32],
    ['::/0', 6, 0],
    ['::1/128', 6, 128],
    ['fe80::/10', 6, 10],
    ['2001:db8:0:1::/64', 6, 64],
    ['2001:db8::1:0:0:1/128', 6, 128],
    ['2001:0:1::/48', 6, 48],
  ])('%s', (text, family, prefix) => {
    expect(parseCidr(text)).toMatchObject({ family, prefix, text });
  });

  it.each([
    ['010.0.0.1/32', /canonical|not an IPv4/],
    ['10.0.0.1/8', /host bits set: the network is '10.0.0.0\/8'/],
    ['10.0.0.0', /needs a prefix length/],
    ['10.0.0.0/08', /bad prefix length/],
    ['10.0.0.0/33', /bad prefix length/],
    ['10.0.0/8', /not an IPv4 or IPv6/],
    ['256.0.0.0/8', /not an IPv4 or IPv6/],
    ['10.0.0.0/8/1', /bad prefix length/],
    ['10.0.0.0/-1', /bad prefix length/],
    ['10.0.0.0/ 8', /bad prefix length/],
    ['::ffff:1.2.3.4/128', /IPv4-mapped address: write it as IPv4, '1.2.3.4\/32'/],
    ['::ffff:102:304/128', /IPv4-mapped address: write it as IPv4, '1.2.3.4\/32'/],
    ['::ffff:10.0.0.0/104', /write it as IPv4, '10.0.0.0\/8'/],
    ['2001:DB8::/32', /write '2001:db8::\/32'/],
    ['2001:0db8::/32', /write '2001:db8::\/32'/],
    ['2001:db8:0:0:0:0:0:0/32', /write '2001:db8::\/32'/],
    ['2001:db8::0:1/128', /write '2001:db8::1\/128'/],
    ['2001:db8:0:1:1:1:1:1/128', /./], // valid text, but a single zero group must not be compressed: this one is canonical
    ['::1.2.3.4/128', /write '::102:304\/128'/],
    ['fe80::1%eth0/128', /not an IPv4 or IPv6/],
    ['2001:db8::1/32', /host bits set: the network is '2001:db8::\/32'/],
    ['::/129', /bad prefix length/],
    ['1:2:3:4:5:6:7:8:9/128', /not an IPv4 or IPv6/],
    ['1::2::3/128', /not an IPv4 or IPv6/],
    ['abc/8', /not an IPv4 or IPv6/],
  ])('refuses %s', (text, message) => {
    if (text === '2001:db8:0:1:1:1:1:1/128') {
      expect(parseCidr(text).text).toBe(text);
      return;
    }
    expect(() => parseCidr(text)).toThrow(message);
  });

  it('compresses the longest zero run, the first on a tie, never a single group', () => {
    const f = (t: string) => formatIp(parseIp(t)!);
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(f('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(f('0:0:0:0:0:0:0:0')).toBe('::');
    expect(f('1:0:0:0:0:0:0:0')).toBe('1::');
  });

  it('unwraps IPv4-mapped addresses in either spelling', () => {
    expect(formatIp(unmapIp(parseIp('::ffff:10.1.2.3')!))).toBe('10.1.2.3');
    expect(formatIp(unmapIp(parseIp('::FFFF:a01:203')!))).toBe('10.1.2.3');
    expect(formatIp(unmapIp(parseIp('::1')!))).toBe('::1');
  });
});

describe('parseCidrList (configuration)', () => {
  it('takes canonical networks and bare hosts, and matches unwrapped clients', () => {
    const list = parseCidrList('10.0.0.0/8, fd00::/8, 192.0.2.7');
    expect(list.cidrs.map((c) => c.text)).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.7/32']);
    expect(list.contains('::ffff:10.9.9.9')).toBe(true);
    expect(list.contains('192.0.2.7')).toBe(true);
    expect(list.contains('192.0.2.8')).toBe(false);
    expect(list.contains('fd12::1')).toBe(true);
    expect(list.contains('garbage')).toBe(false);
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'abc', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x', '010.0.0.1', '10.0.0.1/8'])('rejects %s', (bad) => {
    expect(() => parseCidrList(bad)).toThrow();
  });
});
