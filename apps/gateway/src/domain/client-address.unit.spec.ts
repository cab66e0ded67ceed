import { clientAddress, unmapIpv4 } from './client-address';
import { parseCidrList } from './cidr';

const trusted = parseCidrList('10.0.0.0/8, fd00::/8');
const isTrusted = (ip: string) => trusted.contains(ip);

describe('clientAddress', () => {
  it('uses the socket peer when it is not a trusted proxy, ignoring a spoofed header', () => {
    expect(clientAddress('203.0.113.9', '1.2.3.4', isTrusted)).toBe('203.0.113.9');
  });
  it('walks X-Forwarded-For from the right past trusted hops', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.7, 203.0.113.5, 10.1.1.1', isTrusted)).toBe('203.0.113.5');
  });
  it('unwraps IPv4-mapped IPv6 peers', () => {
    expect(unmapIpv4('::ffff:10.0.0.2')).toBe('10.0.0.2');
    expect(clientAddress('::ffff:10.0.0.2', '198.51.100.7', isTrusted)).toBe('198.51.100.7');
  });
  it('handles IPv6 proxies and stops at garbage', () => {
    expect(clientAddress('fd00::1', '2001:db8::5', isTrusted)).toBe('2001:db8::5');
    expect(clientAddress('10.0.0.2', 'not-an-ip', isTrusted)).toBe('10.0.0.2');
  });
});

describe('parseCidrList', () => {
  it.each(['10.0.0.0/33', '10.0.0/8', 'abc', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x'])('rejects %s', (bad) => {
    expect(() => parseCidrList(bad)).toThrow();
  });
});
