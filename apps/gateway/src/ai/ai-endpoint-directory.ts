import { AiEndpoint, ProviderCredential } from '@custos/ai-domain';
import { Permission, Principal } from '@custos/rbac';

/**
 * The AI endpoints this replica serves, from its in-memory projection of the gateway's events (no
 * database read per call), and the decrypted credentials their targets name. The call path depends
 * on this seam only; the endpoint admin side provides it.
 */
export abstract class AiEndpointDirectory {
  abstract get(name: string): AiEndpoint | undefined;
  abstract list(): readonly AiEndpoint[];
  /** The caller's effective permission on an endpoint: admin and creator MANAGE, grants on `gateway_route`, capped by key scopes. */
  abstract permission(principal: Principal, endpoint: AiEndpoint): Permission;
  /** A target's credential, decrypted (cached in memory by the implementation); never logged. */
  abstract credential(secretId: string): Promise<ProviderCredential>;
}
