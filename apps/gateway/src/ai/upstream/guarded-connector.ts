import { lookup } from 'node:dns/promises';
import { buildConnector } from 'undici';
import { addressVerdict, NumericAddress, parseAddress, UpstreamError } from '@custos/ai-domain';

/** Resolves a host name to every address it has (the system resolver, as `net.connect` would). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * undici's connector behind the SSRF check (decision 043): the host is resolved here, EVERY address
 * it resolves to is judged, and the socket is opened to the checked address itself (with the host
 * name kept for TLS SNI and certificate checks), so no second lookup can answer differently
 * (DNS rebinding). It runs for each new connection, not once per base URL.
 */
export function guardedConnector(opts: { allowListed: (a: NumericAddress) => boolean; resolve: Resolver; timeoutMs: number }): buildConnector.connector {
  const base = buildConnector({ timeout: opts.timeoutMs, rejectUnauthorized: true });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    checkedAddress(host, opts)
      .then((address) => base({ ...options, hostname: address, ...(parseAddress(host) ? {} : { servername: options.servername ?? host }) }, callback))
      .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), null));
  };
}

async function checkedAddress(host: string, opts: { allowListed: (a: NumericAddress) => boolean; resolve: Resolver }): Promise<string> {
  const literal = parseAddress(host);
  let answers: string[];
  if (literal) answers = [host];
  else {
    try {
      answers = await opts.resolve(host);
    } catch (e) {
      throw new UpstreamError('connection', `could not resolve the upstream host ${host}: ${(e as NodeJS.ErrnoException).code ?? 'lookup failed'}`);
    }
  }
  if (answers.length === 0) throw new UpstreamError('connection', `the upstream host ${host} has no address`);
  for (const text of answers) {
    const a = parseAddress(text);
    const verdict = a ? addressVerdict(a, opts.allowListed) : undefined;
    if (!verdict?.allowed) {
      throw new UpstreamError(
        'blocked_address',
        `the upstream address of ${host} is refused: ${verdict?.cls ?? 'unreadable'} addresses are not allowed unless the gateway's upstream allow-list names them`,
      );
    }
  }
  return answers[0];
}
