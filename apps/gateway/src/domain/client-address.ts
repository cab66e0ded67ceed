import { formatIp, parseIp, unmapIp } from './ip-address';

/**
 * One spelling per client: `::ffff:10.0.0.1` is the IPv4 client 10.0.0.1, `2001:DB8::1` is
 * `2001:db8::1`. Rules, logs and events all see that form. Unparseable input comes back unchanged.
 */
export function unmapIpv4(addr: string): string {
  const a = parseIp(addr);
  return a ? formatIp(unmapIp(a)) : addr;
}

/**
 * The client is the socket peer unless that peer is a trusted proxy; then X-Forwarded-For is walked
 * from the right past trusted hops, and the first untrusted hop is the client. A spoofed header
 * from an untrusted peer is ignored.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, isTrusted: (ip: string) => boolean): string {
  let client = unmapIpv4(peer);
  if (!forwardedFor || !isTrusted(client)) return client;
  const hops = forwardedFor.split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i]);
    if (!hop) return client;
    client = formatIp(unmapIp(hop));
    if (!isTrusted(client)) return client;
  }
  return client;
}
