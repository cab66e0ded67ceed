import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Principal } from '@custos/rbac';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { PresentedCredential } from '../domain/credentials';

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: 'unauthenticated' | 'invalid_credentials'; claimedAccount?: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks a presented credential. Holds only a hash of the bootstrap key, compared in constant time.
 * Users, API keys and OIDC arrive with the identity issue as further checkers behind this one door.
 */
@Injectable()
export class Authenticator {
  private readonly bootstrapKeyHash: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.bootstrapKeyHash = sha256(config.BOOTSTRAP_ADMIN_API_KEY);
  }

  authenticate(cred: PresentedCredential): AuthResult {
    switch (cred.kind) {
      case 'none':
        return { ok: false, reason: 'unauthenticated' };
      case 'malformed':
        return { ok: false, reason: 'invalid_credentials' };
      case 'bearer':
        return this.checkKey(cred.token, undefined);
      case 'basic':
        // The mlflow client sends MLFLOW_TRACKING_USERNAME/PASSWORD as basic auth; a key works as the password.
        return this.checkKey(cred.password, cred.username);
    }
  }

  private checkKey(secret: string, claimedAccount: string | undefined): AuthResult {
    if (timingSafeEqual(sha256(secret), this.bootstrapKeyHash)) {
      return { ok: true, principal: { id: 'bootstrap-admin', kind: 'user', roles: ['admin'], groups: [] } };
    }
    return { ok: false, reason: 'invalid_credentials', claimedAccount };
  }
}
