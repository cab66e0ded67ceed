import { ApiKeyIssued, ApiKeyRevoked } from '@custos/events';
import { DomainEvent, exhaustive } from './domain-event';
import { AuthzError } from './errors';
import { normalizeScopes, validateKeyName } from './validation';

/**
 * One stream per API key. The secret never reaches the domain: the handler generates the key,
 * shows it once, and hands over only its visible prefix and SHA-256. Whether the owner exists is
 * a cross-stream fact, checked by the handler against the read model.
 */

/** `cus_` and eight lowercase letters or digits: the part of a key that may be shown and logged. */
export const API_KEY_PREFIX_PATTERN = /^cus_[a-z0-9]{8}$/;

export type ApiKeyCommand =
  | {
      type: 'IssueApiKey';
      keyId: string;
      prefix: string;
      keyHash: string;
      ownerId: string;
      name: string;
      scopes: string[];
      expiresAt: string | null;
      /** ISO time of the request, to refuse an expiry already past. */
      now: string;
    }
  | { type: 'RevokeApiKey'; keyId: string };

export type ApiKeyEvent = DomainEvent<'authz.ApiKeyIssued', typeof ApiKeyIssued> | DomainEvent<'authz.ApiKeyRevoked', typeof ApiKeyRevoked>;

export type ApiKeyState = { status: 'absent' } | { status: 'active'; keyId: string; ownerId: string; expiresAt: string | null } | { status: 'revoked'; keyId: string; ownerId: string };

function issue(c: Extract<ApiKeyCommand, { type: 'IssueApiKey' }>, state: ApiKeyState): ApiKeyEvent[] {
  if (!API_KEY_PREFIX_PATTERN.test(c.prefix)) throw AuthzError.invalid('API key prefix must be cus_ and 8 lowercase letters or digits.');
  if (!/^[0-9a-f]{64}$/.test(c.keyHash)) throw AuthzError.invalid('API key hash must be SHA-256 hex.');
  if (c.ownerId === '') throw AuthzError.invalid('An API key needs an owner.');
  validateKeyName(c.name);
  const scopes = normalizeScopes(c.scopes);
  let expiresAt: string | null = null;
  if (c.expiresAt !== null) {
    const at = Date.parse(c.expiresAt);
    if (Number.isNaN(at)) throw AuthzError.invalid(`Invalid expiry '${c.expiresAt}': expected an ISO 8601 date-time.`);
    if (at <= Date.parse(c.now)) throw AuthzError.invalid('An API key must expire in the future.');
    expiresAt = new Date(at).toISOString();
  }
  if (state.status !== 'absent') throw AuthzError.alreadyExists(`API key ${c.keyId} already exists.`);
  return [{ type: 'authz.ApiKeyIssued', data: { keyId: c.keyId, prefix: c.prefix, keyHash: c.keyHash, ownerId: c.ownerId, name: c.name, scopes, expiresAt } }];
}

function decide(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'IssueApiKey':
      return issue(command, state);
    case 'RevokeApiKey':
      if (state.status === 'absent') throw AuthzError.notFound(`API key ${command.keyId} not found`);
      // Revoking twice changes nothing: the key is already refused.
      if (state.status === 'revoked') return [];
      return [{ type: 'authz.ApiKeyRevoked', data: { keyId: command.keyId, ownerId: state.ownerId } }];
    default:
      exhaustive(command);
      throw AuthzError.invalid('unknown API key command');
  }
}

function evolve(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'authz.ApiKeyIssued':
      return { status: 'active', keyId: event.data.keyId, ownerId: event.data.ownerId, expiresAt: event.data.expiresAt };
    case 'authz.ApiKeyRevoked':
      return state.status === 'active' ? { status: 'revoked', keyId: state.keyId, ownerId: state.ownerId } : state;
    default:
      exhaustive(event);
      return state;
  }
}

export const apiKeyDecider = {
  initialState: (): ApiKeyState => ({ status: 'absent' }),
  decide,
  evolve,
  stateVersion: 1,
};

export function apiKeyStreamId(keyId: string): string {
  return `apikey-${keyId}`;
}
