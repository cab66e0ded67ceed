import { createLocalJWKSet, errors, JSONWebKeySet, JWSHeaderParameters, KeyLike } from 'jose';

export interface JwksOptions {
  /** Refetch a key set older than this on the next use. */
  maxAgeMs: number;
  /** A token naming an unknown key refetches at most this often (a flood of made-up kids cannot hammer the IdP). */
  cooldownMs: number;
  timeoutMs: number;
  maxBytes?: number;
  now?: () => number;
  /** Called when a refetch changed the keys (added or removed), so cached verifications are dropped. */
  onKeysChanged?: (jwksUri: string) => void;
}

interface Entry {
  resolve?: ReturnType<typeof createLocalJWKSet>;
  fingerprint?: string;
  fetchedAt: number;
  inflight?: Promise<void>;
}

export class JwksUnavailableError extends Error {}

/**
 * Issuers' signing keys. A key set is fetched on first use, refetched when older than `maxAgeMs`,
 * and refetched at once (cooldown permitting) when a token names a key id it does not hold: that is
 * how a rotation is picked up. A refetch replaces the set, so a key the issuer removed stops
 * verifying. Keys come only from the configured URI, never from a token's own headers.
 */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly opts: JwksOptions) {
    this.now = opts.now ?? Date.now;
  }

  async getKey(jwksUri: string, header: JWSHeaderParameters): Promise<KeyLike> {
    const e = this.entry(jwksUri);
    if (!e.resolve || this.now() - e.fetchedAt >= this.opts.maxAgeMs) await this.refresh(jwksUri, e, !e.resolve);
    try {
      return await (e.resolve as NonNullable<Entry['resolve']>)(header);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || this.now() - e.fetchedAt < this.opts.cooldownMs) throw err;
      await this.refresh(jwksUri, e, true);
      return await (e.resolve as NonNullable<Entry['resolve']>)(header);
    }
  }

  /** Drops what is held for URIs no provider uses any more. */
  retain(jwksUris: Iterable<string>): void {
    const keep = new Set(jwksUris);
    for (const uri of [...this.entries.keys()]) if (!keep.has(uri)) this.entries.delete(uri);
  }

  private entry(uri: string): Entry {
    let e = this.entries.get(uri);
    if (!e) {
      e = { fetchedAt: 0 };
      this.entries.set(uri, e);
    }
    return e;
  }

  /** One fetch at a time per URI. A failed periodic refetch keeps the old set (the IdP may be briefly down). */
  private async refresh(uri: string, e: Entry, mustSucceed: boolean): Promise<void> {
    e.inflight ??= this.fetchInto(uri, e).finally(() => (e.inflight = undefined));
    try {
      await e.inflight;
    } catch (err) {
      if (mustSucceed || !e.resolve) throw err;
    }
  }

  private async fetchInto(uri: string, e: Entry): Promise<void> {
    const jwks = await this.fetchJwks(uri);
    const fingerprint = JSON.stringify(jwks.keys.map((k) => JSON.stringify(k)).sort());
    const changed = e.fingerprint !== undefined && e.fingerprint !== fingerprint;
    e.resolve = createLocalJWKSet(jwks);
    e.fingerprint = fingerprint;
    e.fetchedAt = this.now();
    if (changed) this.opts.onKeysChanged?.(uri);
  }

  private async fetchJwks(uri: string): Promise<JSONWebKeySet> {
    let res: Response;
    try {
      res = await fetch(uri, { signal: AbortSignal.timeout(this.opts.timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    } catch (err) {
      throw new JwksUnavailableError(`JWKS ${uri} unreachable: ${(err as Error).message}`);
    }
    if (!res.ok) throw new JwksUnavailableError(`JWKS ${uri} answered ${res.status}`);
    const text = await res.text();
    if (text.length > (this.opts.maxBytes ?? 1_000_000)) throw new JwksUnavailableError(`JWKS ${uri} is too large`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new JwksUnavailableError(`JWKS ${uri} is not JSON`);
    }
    const keys = (body as { keys?: unknown }).keys;
    if (!Array.isArray(keys) || !keys.every((k): k is JSONWebKeySet['keys'][number] => typeof k === 'object' && k !== null)) throw new JwksUnavailableError(`JWKS ${uri} has no keys array`);
    // Symmetric and private material never belongs in a published key set; such entries are dropped.
    return { keys: keys.filter((k) => k.kty !== 'oct' && k.d === undefined) };
  }
}
