import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { IdentityStore } from '../identity/identity.store';
import { ReplicaAcks } from '../identity/replica-acks.service';
import { VersionWatch } from '../identity/version-watch.service';
import { Authenticator } from './authenticator';
import { FailureLimiter } from './failure-limiter';
import { IdentityProviders } from './identity-providers.service';
import { LdapDirectory } from './ldap/ldap-directory.service';
import { LocalCredentials } from './local-credentials.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { BasicStrategy } from './strategies/basic.strategy';
import { OidcStrategy } from './strategies/oidc.strategy';

/**
 * Authentication at the edge: the identity projection's reads, the version watch that keeps every
 * replica's caches honest, the passport strategies and the one `Authenticator` that picks among
 * them. Needs the platform module (DataSource, config, logger, readiness) from its importer.
 */
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [IdentityStore, ReplicaAcks, VersionWatch, FailureLimiter, IdentityProviders, LocalCredentials, LdapDirectory, ApiKeyStrategy, BasicStrategy, OidcStrategy, Authenticator],
  exports: [Authenticator, ReplicaAcks, VersionWatch, IdentityStore, IdentityProviders],
})
export class CredentialsModule {}
