import { createHash } from 'node:crypto';
import { Principal } from '@custos/rbac';

interface Entry {
  principal: Principal;
  expiresAtMs: number;
}

/**
 * Verified credentials, so a password check (scrypt, tens of milliseconds) or a key lookup is not
 * paid on every request. Keyed by SHA-256 of the strategy, claimed name and secret: the secret
 * itself is never held. An entry lives at most `ttlMs` and never past the credential's own expiry;
 * `clear()` (on every identity change) drops all entries and moves the generation, so a
 * verification that started before the change cannot store its now-stale answer.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  static keyOf(...parts: string[]): string {
    const h = createHash('sha256');
    for (const p of parts)
      h.update(String(Buffer.byteLength(p)))
        .update(':')
        .update(p);
    return h.digest('base64url');
  }

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowMs: number): Principal | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  set(key: string, principal: Principal, validUntilMs: number | undefined, startedAtGeneration: number, nowMs: number): void {
    if (startedAtGeneration !== this.gen || this.ttlMs === 0 || this.maxEntries === 0) return;
    const expiresAtMs = Math.min(nowMs + this.ttlMs, validUntilMs ?? Number.POSITIVE_INFINITY);
    if (expiresAtMs <= nowMs) return;
    this.entries.delete(key);
    this.entries.set(key, { principal, expiresAtMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }
}
