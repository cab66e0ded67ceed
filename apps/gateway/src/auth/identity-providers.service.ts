import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { IdentityProvider, IdentityStore, LdapProvider, OidcProvider } from '../identity/identity.store';
import { VersionWatch } from '../identity/version-watch.service';
import { JwksCache } from './oidc/jwks-cache';
import { OidcVerifier } from './oidc/oidc-verifier';

/**
 * The enabled OIDC issuers and LDAP directories, held in memory and reloaded whenever the identity
 * projection moves. Owns the JWKS cache, and tells its listeners when an issuer's keys changed.
 */
@Injectable()
export class IdentityProviders {
  private providers: IdentityProvider[] = [];
  private readonly keyListeners: (() => void)[] = [];
  readonly jwks: JwksCache;
  readonly oidcVerifier: OidcVerifier;

  constructor(
    private readonly store: IdentityStore,
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    watch: VersionWatch,
  ) {
    this.jwks = new JwksCache({
      maxAgeMs: config.OIDC_JWKS_MAX_AGE_MS,
      cooldownMs: config.OIDC_JWKS_REFRESH_COOLDOWN_MS,
      timeoutMs: config.OIDC_JWKS_TIMEOUT_MS,
      onKeysChanged: (uri) => {
        this.logger.info({ jwksUri: uri }, 'identity provider keys changed');
        for (const l of this.keyListeners) l();
      },
    });
    this.oidcVerifier = new OidcVerifier(this.jwks);
    watch.onChange('identity', () => this.reload());
  }

  onKeysChanged(fn: () => void): void {
    this.keyListeners.push(fn);
  }

  oidc(): OidcProvider[] {
    return this.providers.filter((p): p is OidcProvider => p.kind === 'oidc');
  }

  ldap(): LdapProvider[] {
    return this.providers.filter((p): p is LdapProvider => p.kind === 'ldap');
  }

  async reload(): Promise<void> {
    this.providers = await this.store.enabledProviders();
    this.jwks.retain(this.oidc().map((p) => p.oidc.jwksUri));
  }
}
