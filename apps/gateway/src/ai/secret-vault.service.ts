import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { KeyRing, newDataKey, openValue, sealValue } from '@custos/crypto';
import { ProviderCredential } from '@custos/ai-domain';
import { rows } from '@custos/eventing';
import { AI_CREDENTIAL_KEY_RING } from './ai-secret-keys';

/** A credential as stored: sealed under its own data key, that key wrapped by the master key `keyId`. */
export interface SealedSecret {
  keyId: string;
  wrappedKey: Buffer;
  sealed: Buffer;
}

/** The associated data of both the sealed value and its wrapped key: a row copied onto another secret does not open. */
export const secretIdentity = (secretId: string, name: string): string[] => [secretId, name];

/**
 * Envelope encryption of provider credentials, with the artifacts' key ring (decision 011): a fresh
 * AES-256-GCM data key per value (new on every rotation), wrapped by the active master key. Writes
 * happen inside the caller's transaction, beside the event that records the change.
 */
@Injectable()
export class SecretVault {
  constructor(
    private readonly ds: DataSource,
    @Inject(AI_CREDENTIAL_KEY_RING) private readonly keys: KeyRing,
  ) {}

  seal(secretId: string, name: string, credential: ProviderCredential): SealedSecret {
    const identity = secretIdentity(secretId, name);
    const dataKey = newDataKey();
    const plain = Buffer.from(JSON.stringify(credential), 'utf8');
    try {
      const sealed = sealValue(plain, dataKey, identity);
      const { keyId, wrapped } = this.keys.wrap(dataKey, identity);
      return { keyId, wrappedKey: wrapped, sealed };
    } finally {
      dataKey.fill(0);
      plain.fill(0);
    }
  }

  async write(tx: EntityManager, secretId: string, s: SealedSecret, at: string): Promise<void> {
    await tx.query(
      `INSERT INTO gw_ai_secret_values (secret_id, key_id, wrapped_key, sealed, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (secret_id) DO UPDATE SET key_id = EXCLUDED.key_id, wrapped_key = EXCLUDED.wrapped_key, sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
      [secretId, s.keyId, s.wrappedKey, s.sealed, at],
    );
  }

  /** Without its wrapped data key the sealed value is noise: the row goes whole. */
  async destroy(tx: EntityManager, secretId: string): Promise<void> {
    await tx.query(`DELETE FROM gw_ai_secret_values WHERE secret_id = $1`, [secretId]);
  }

  /** The decrypted credential, or undefined when there is no such (live) secret. Never logged. */
  async open(secretId: string): Promise<ProviderCredential | undefined> {
    const [row] = await rows<{ name: string; key_id: string; wrapped_key: Buffer; sealed: Buffer }>(
      this.ds,
      `SELECT s.name, v.key_id, v.wrapped_key, v.sealed FROM gw_ai_secret_values v JOIN gw_ai_secrets s USING (secret_id) WHERE v.secret_id = $1`,
      [secretId],
    );
    if (!row) return undefined;
    return openSealed(this.keys, { keyId: row.key_id, wrappedKey: row.wrapped_key, sealed: row.sealed }, secretId, row.name);
  }

  get activeKeyId(): string {
    return this.keys.activeKeyId;
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  rewrap(w: { keyId: string; wrapped: Buffer }, secretId: string, name: string): { keyId: string; wrapped: Buffer } {
    return this.keys.rewrap(w, secretIdentity(secretId, name));
  }
}

/** Unwraps the data key and opens the value under the secret's identity; refuses (throws) under any other. */
export function openSealed(keys: KeyRing, s: SealedSecret, secretId: string, name: string): ProviderCredential {
  const identity = secretIdentity(secretId, name);
  const dataKey = keys.unwrap({ keyId: s.keyId, wrapped: s.wrappedKey }, identity);
  try {
    const plain = openValue(s.sealed, dataKey, identity);
    try {
      return Object.freeze(JSON.parse(plain.toString('utf8')) as Record<string, string>);
    } finally {
      plain.fill(0);
    }
  } finally {
    dataKey.fill(0);
  }
}
