import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { IdentityStore, UserRecord } from '../identity/identity.store';
import { hashScryptPhc, PhcFormatError, verifyScryptPhc } from '../domain/scrypt-phc';
import { BOOTSTRAP_PRINCIPAL, keyPrincipal, userPrincipal } from './principals';
import { refused, Verification } from './verification';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Credentials authz issues, checked against the gateway's projection: API keys (SHA-256 of the
 * whole key, looked up by that hash) and passwords (scrypt PHC). The bootstrap admin key is held
 * only as a hash and compared in constant time.
 */
@Injectable()
export class LocalCredentials {
  private readonly bootstrapKeyHash: Buffer;
  private dummy?: Promise<string>;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly store: IdentityStore,
  ) {
    this.bootstrapKeyHash = sha256(config.BOOTSTRAP_ADMIN_API_KEY);
  }

  isBootstrapKey(secret: string): boolean {
    return timingSafeEqual(sha256(secret), this.bootstrapKeyHash);
  }

  /** A key presented as a bearer token or, with `claimedUsername`, as a basic-auth password. */
  async verifyKey(secret: string, claimedUsername: string | undefined, nowMs = Date.now()): Promise<Verification & { known: boolean }> {
    if (this.isBootstrapKey(secret)) return { ok: true, principal: BOOTSTRAP_PRINCIPAL, known: true };
    const key = await this.store.keyByHash(sha256(secret).toString('hex'));
    if (!key) return { ...refused('unknown API key', 'invalid API key'), known: false };
    const deny = (detail: string) => ({ ...refused(`API key ${key.keyId}: ${detail}`, 'invalid API key'), known: true });
    if (key.revoked) return deny('revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= nowMs) return deny('expired');
    const owner = key.ownerId ? await this.store.activeUser(key.ownerId) : undefined;
    if (!owner) return deny('its owner does not exist or was deleted');
    if (claimedUsername !== undefined && claimedUsername !== owner.username) return deny('presented with another username');
    return { ok: true, principal: keyPrincipal(owner, key.scopes), validUntilMs: key.expiresAt?.getTime(), known: true };
  }

  /** The local account's password, when it has one; `undefined` when there is no such local account. */
  async passwordAccount(username: string): Promise<UserRecord | undefined> {
    const user = await this.store.activeUserByName(username);
    return user?.passwordHash ? user : undefined;
  }

  async verifyPassword(user: UserRecord, password: string): Promise<Verification> {
    try {
      if (user.passwordHash && (await verifyScryptPhc(password, user.passwordHash))) return { ok: true, principal: userPrincipal(user) };
      return refused(`wrong password for user ${user.userId}`);
    } catch (e) {
      if (e instanceof PhcFormatError) return refused(`stored password hash of user ${user.userId} is unreadable: ${e.message}`);
      throw e;
    }
  }

  /** Spends about as long as a real check, so timing does not tell unknown names from wrong passwords. */
  async spendDummyCheck(password: string): Promise<void> {
    this.dummy ??= hashScryptPhc(randomBytes(16).toString('hex'), randomBytes(16));
    await verifyScryptPhc(password, await this.dummy);
  }
}
