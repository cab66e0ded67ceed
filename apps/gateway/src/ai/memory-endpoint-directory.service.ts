import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { AiEndpoint, ProviderCredential } from '@custos/ai-domain';
import { rows } from '@custos/eventing';
import { LOGGER, Readiness } from '@custos/platform';
import { Actions, authorize, Decision, isPermission, Permission, Principal } from '@custos/rbac';
import { VersionWatch } from '../identity/version-watch.service';
import { AiConfigReads, toEndpoint } from './ai-config.reads';
import { AiEndpointDirectory } from './ai-endpoint-directory';
import { RouteGrantRow, RouteGrants } from './route-grants';
import { SecretVault } from './secret-vault.service';

/** A credential this replica could not find: the target's secret was deleted, or never existed. */
export class MissingCredentialError extends Error {
  constructor(readonly secretId: string) {
    super(`no stored credential ${secretId}`);
    this.name = 'MissingCredentialError';
  }
}

/**
 * The endpoints and `gateway_route` grants, in memory. Endpoints reload when `ai_config` moves in
 * `gw_versions` (every endpoint or secret change, from any replica), grants when `identity` does
 * (authz's grant events are applied by the identity consumer). Decrypted credentials are cached
 * until the next `ai_config` change, so a rotation or deletion reaches every replica as soon as
 * its version watch wakes. Until the first load it is not ready (like the IP rules).
 */
@Injectable()
export class MemoryAiEndpointDirectory extends AiEndpointDirectory {
  private endpoints?: ReadonlyMap<string, AiEndpoint>;
  private grants?: RouteGrants;
  private credentials = new Map<string, Promise<ProviderCredential>>();

  constructor(
    private readonly ds: DataSource,
    private readonly reads: AiConfigReads,
    private readonly vault: SecretVault,
    @Inject(LOGGER) private readonly logger: Logger,
    watch: VersionWatch,
    readiness: Readiness,
  ) {
    super();
    watch.onChange('ai_config', () => this.reloadEndpoints());
    watch.onChange('identity', () => this.reloadGrants());
    readiness.register('ai-endpoints', () => this.endpoints !== undefined && this.grants !== undefined);
  }

  get(name: string): AiEndpoint | undefined {
    return this.endpoints?.get(name);
  }

  list(): readonly AiEndpoint[] {
    return [...(this.endpoints?.values() ?? [])];
  }

  permission(principal: Principal, endpoint: AiEndpoint): Permission {
    return this.decide(principal, endpoint, 'USE').effective ?? 'NO_PERMISSIONS';
  }

  /** The full decision, with a reason fit for the audit record of a denial. */
  decide(principal: Principal, endpoint: AiEndpoint, need: Permission): Decision {
    const grants = this.grants ?? RouteGrants.EMPTY;
    return authorize(principal, Actions.onGatewayRoute(need), { type: 'gateway_route', id: endpoint.name, ownerId: endpoint.createdBy }, grants.contextFor(principal));
  }

  credential(secretId: string): Promise<ProviderCredential> {
    let pending = this.credentials.get(secretId);
    if (!pending) {
      const cache = this.credentials;
      pending = this.vault.open(secretId).then((c) => {
        if (!c) throw new MissingCredentialError(secretId);
        return c;
      });
      // A failure is not remembered: the next call tries again.
      pending.catch(() => cache.get(secretId) === pending && cache.delete(secretId));
      cache.set(secretId, pending);
    }
    return pending;
  }

  async reloadEndpoints(): Promise<void> {
    const found = await this.reads.endpoints();
    this.endpoints = new Map(found.map((v) => [v.name, toEndpoint(v)]));
    // Any secret may have been rotated or deleted: decrypt afresh on next use.
    this.credentials = new Map();
    this.logger.info({ endpoints: found.length }, 'AI endpoints loaded');
  }

  async reloadGrants(): Promise<void> {
    const found = await rows<RouteGrantRow & { defaultPermission: string | null }>(
      this.ds,
      `SELECT subject_kind AS "subjectKind", subject_id AS "subjectId", resource_pattern AS "resourcePattern", permission, NULL AS "defaultPermission"
         FROM access_grants WHERE resource_type = 'gateway_route'
       UNION ALL
       SELECT a.subject_kind, a.subject_id, g->>'resourcePattern', g->>'permission', NULL
         FROM access_role_assignments a JOIN access_roles r USING (role_id), jsonb_array_elements(r.grants) g
        WHERE g->>'resourceType' = 'gateway_route'
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, value FROM access_settings WHERE key = 'default_permission'`,
    );
    const setting = found.find((r) => r.defaultPermission !== null)?.defaultPermission;
    this.grants = new RouteGrants(
      found.filter((r) => r.defaultPermission === null),
      setting && isPermission(setting) ? setting : 'NO_PERMISSIONS',
    );
  }
}
