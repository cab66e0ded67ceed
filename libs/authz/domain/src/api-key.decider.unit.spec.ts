import { ApiKeyCommand, apiKeyDecider, ApiKeyEvent } from './api-key.decider';
import { specFor } from './decider.spec-helper';

const spec = specFor(apiKeyDecider);
const HASH = 'a'.repeat(64);
const NOW = '2026-11-22T10:00:00.000Z';

const issue = (over: Partial<Extract<ApiKeyCommand, { type: 'IssueApiKey' }>> = {}): ApiKeyCommand => ({
  type: 'IssueApiKey',
  keyId: 'k1',
  prefix: 'cus_ab12cd34',
  keyHash: HASH,
  ownerId: 'u1',
  name: 'laptop',
  scopes: [],
  expiresAt: null,
  now: NOW,
  ...over,
});
const issued: ApiKeyEvent = {
  type: 'authz.ApiKeyIssued',
  data: { keyId: 'k1', prefix: 'cus_ab12cd34', keyHash: HASH, ownerId: 'u1', name: 'laptop', scopes: [], expiresAt: null },
};
const revoked: ApiKeyEvent = { type: 'authz.ApiKeyRevoked', data: { keyId: 'k1', ownerId: 'u1' } };

describe('API key decider', () => {
  it('issues a key with its prefix and hash, never the secret', () => {
    spec.given().when(issue()).then([issued]);
  });

  it('normalizes scopes and the expiry', () => {
    spec
      .given()
      .when(issue({ scopes: ['experiments:read', 'gateway_routes:use', 'experiments:edit', 'experiments:read'], expiresAt: '2027-01-01T00:00:00+01:00' }))
      .then([{ type: 'authz.ApiKeyIssued', data: { ...issued.data, scopes: ['experiments:edit', 'gateway_routes:use'], expiresAt: '2026-12-31T23:00:00.000Z' } }]);
  });

  it.each([
    ['a past expiry', { expiresAt: '2026-11-22T09:59:59Z' }, 'must expire in the future'],
    ['a malformed expiry', { expiresAt: 'next tuesday' }, "Invalid expiry 'next tuesday'"],
    ['a bad prefix', { prefix: 'cus_ABCDEFGH' }, /prefix/],
    ['a hash that is not SHA-256 hex', { keyHash: 'secret' }, /SHA-256/],
    ['a bad scope', { scopes: ['has space'] }, "Invalid scope 'has space'. Valid scopes are: experiments:read,"],
    ['a scope outside the vocabulary', { scopes: ['mlflow:read'] }, "Invalid scope 'mlflow:read'"],
    ['a name with control characters', { name: 'x\u001b[31m' }, /control characters/],
    ['no owner', { ownerId: '' }, /owner/],
  ])('refuses %s', (_label, over, message) => {
    spec.given().when(issue(over)).thenError('INVALID_PARAMETER_VALUE', message);
  });

  it('refuses to issue the same key id twice', () => {
    spec.given(issued).when(issue()).thenError('RESOURCE_ALREADY_EXISTS');
  });

  it('revokes with the owner recorded, and a second revoke changes nothing', () => {
    spec.given(issued).when({ type: 'RevokeApiKey', keyId: 'k1' }).then([revoked]);
    spec.given(issued, revoked).when({ type: 'RevokeApiKey', keyId: 'k1' }).thenNothing();
  });

  it('answers not found for an unknown key', () => {
    spec.given().when({ type: 'RevokeApiKey', keyId: 'k9' }).thenError('RESOURCE_DOES_NOT_EXIST', 'API key k9 not found');
  });
});
