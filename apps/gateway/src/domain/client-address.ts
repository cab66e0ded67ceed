import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` is the IPv4 client 10.0.0.1; rules and logs see one form. */
export function unmapIpv4(addr: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1] : addr;
}

/**
 * The client is the socket peer unless that peer is a trusted proxy; then X-Forwarded-For is walked
 * from the right past trusted hops, and the first untrusted hop is the client. A spoofed header
 * from an untrusted peer is ignored.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, isTrusted: (ip: string) => boolean): string {
  let client = unmapIpv4(peer);
  if (!forwardedFor || !isTrusted(client)) return client;
  const hops = forwardedFor.split(',').map((h) => unmapIpv4(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    if (isIP(hops[i]) === 0) return client;
    client = hops[i];
    if (!isTrusted(client)) return client;
  }
  return client;
}
