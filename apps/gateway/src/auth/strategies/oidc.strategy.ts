import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { IdentityStore } from '../../identity/identity.store';
import { presentedCredential } from '../presented-credential';
import { IdentityProviders } from '../identity-providers.service';
import { LocalCredentials } from '../local-credentials.service';
import { providerPrincipal } from '../principals';
import { refused, Verification } from '../verification';
import { settle, STRATEGY, StrategyResult } from './strategy-result';

/** `Authorization: Bearer <JWT>` from a configured OIDC issuer. */
@Injectable()
export class OidcStrategy extends PassportStrategy<typeof CustomStrategy, Verification, StrategyResult>(CustomStrategy, STRATEGY.oidc) {
  constructor(
    private readonly providers: IdentityProviders,
    private readonly store: IdentityStore,
    private readonly local: LocalCredentials,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const c = presentedCredential(req);
    if (c.kind !== 'bearer') return settle(refused('no bearer token'));
    // A bootstrap key configured without the `cus_` prefix may look like anything.
    if (this.local.isBootstrapKey(c.token)) return settle(await this.local.verifyKey(c.token, undefined));
    const issuers = this.providers.oidc();
    if (issuers.length === 0) return settle(refused('JWT presented but no OIDC provider is configured', 'invalid token'));
    const outcome = await this.providers.oidcVerifier.verify(c.token, issuers);
    if (!outcome.ok) return settle(refused(`${outcome.detail}`, outcome.description));
    const { provider, username, groups } = outcome;
    const linked = await this.store.activeUserByName(username);
    return settle({ ok: true, principal: providerPrincipal(provider.providerId, username, groups, provider.groupRoleMap, linked), validUntilMs: outcome.expiresAtMs });
  }
}
