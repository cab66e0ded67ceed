import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { presentedCredential } from '../presented-credential';
import { LocalCredentials } from '../local-credentials.service';
import { IdentityProviders } from '../identity-providers.service';
import { LdapDirectory } from '../ldap/ldap-directory.service';
import { refused, Verification } from '../verification';
import { settle, STRATEGY, StrategyResult } from './strategy-result';

/**
 * HTTP basic, as the MLflow client sends MLFLOW_TRACKING_USERNAME/PASSWORD. The password is, in
 * this order: an API key of that user (or the bootstrap key), the local account's password, or a
 * password for a configured LDAP directory.
 */
@Injectable()
export class BasicStrategy extends PassportStrategy<typeof CustomStrategy, Verification, StrategyResult>(CustomStrategy, STRATEGY.basic) {
  constructor(
    private readonly local: LocalCredentials,
    private readonly providers: IdentityProviders,
    private readonly ldap: LdapDirectory,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const c = presentedCredential(req);
    if (c.kind !== 'basic') return settle(refused('no basic credentials'));
    if (c.password.startsWith('cus_') || this.local.isBootstrapKey(c.password)) {
      const byKey = await this.local.verifyKey(c.password, c.username);
      // An unknown key may still be a password that happens to start with `cus_`.
      if (byKey.ok || byKey.known) return settle(byKey);
    }
    const account = await this.local.passwordAccount(c.username);
    if (account) return settle(await this.local.verifyPassword(account, c.password));
    const directories = this.providers.ldap();
    if (directories.length > 0) return settle(await this.ldap.verify(directories, c.username, c.password));
    await this.local.spendDummyCheck(c.password);
    return settle(refused('no local account with a password and no LDAP directory for that username'));
  }
}
