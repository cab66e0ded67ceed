import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';

/**
 * The AI gateway's configuration: endpoints (what callers name as `model`) and the provider
 * credentials their targets use. A credential's value never travels, not even encrypted: its
 * events carry the id, name, provider and a masked hint (`sk-...abcd`); the sealed value lives in
 * the gateway's own table, written in the same transaction as the event.
 */
const name = z.string().min(1).max(128);
const provider = z.string().min(1).max(64);
const target = z.object({
  provider,
  model: z.string().min(1).max(256),
  secretId: z.string().min(1).max(64),
  baseUrl: z.string().max(2048).nullable(),
  options: z.record(z.string(), z.string().max(1024)),
  weight: z.number().positive(),
  order: z.number().int().min(0),
});
const endpointConfig = {
  endpointId: z.string().min(1).max(64),
  name,
  task: z.enum(['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings']),
  targets: z.array(target).min(1),
  timeouts: z.object({ connectMs: z.number().int().positive(), firstByteMs: z.number().int().positive(), idleMs: z.number().int().positive(), totalMs: z.number().int().positive() }),
  unknownParams: z.enum(['drop', 'pass', 'reject']),
  tags: z.record(z.string(), z.string().max(1024)),
};

export const AiEndpointCreated = defineEvent('gateway.AiEndpointCreated', { version: 1, schema: z.object(endpointConfig) });

/** The endpoint's whole configuration after the change (its name and id never change). */
export const AiEndpointUpdated = defineEvent('gateway.AiEndpointUpdated', { version: 1, schema: z.object(endpointConfig) });

export const AiEndpointDeleted = defineEvent('gateway.AiEndpointDeleted', {
  version: 1,
  schema: z.object({ endpointId: z.string().min(1).max(64), name }),
});

const secretFacts = {
  secretId: z.string().min(1).max(64),
  name,
  provider,
  /** e.g. `sk-...abcd`: enough to recognise a key, never enough to use it. */
  hint: z.string().max(32),
};

export const AiSecretCreated = defineEvent('gateway.AiSecretCreated', { version: 1, schema: z.object(secretFacts) });

/** A new value replaced the old one (a new data key too); the hint is the new value's. */
export const AiSecretRotated = defineEvent('gateway.AiSecretRotated', { version: 1, schema: z.object(secretFacts) });

/** The sealed value and its wrapped data key were destroyed in the same transaction. */
export const AiSecretDeleted = defineEvent('gateway.AiSecretDeleted', {
  version: 1,
  schema: z.object({ secretId: z.string().min(1).max(64), name }),
});

/** A master-key rotation re-wrapped these secrets' data keys under `toKeyId` (values untouched). */
export const AiSecretKeysRewrapped = defineEvent('gateway.AiSecretKeysRewrapped', {
  version: 1,
  schema: z.object({
    toKeyId: z.string().min(1).max(64),
    from: z.array(z.object({ keyId: z.string().min(1).max(64), count: z.number().int().positive() })),
    count: z.number().int().positive(),
  }),
});

export const aiGatewayEvents = [AiEndpointCreated, AiEndpointUpdated, AiEndpointDeleted, AiSecretCreated, AiSecretRotated, AiSecretDeleted, AiSecretKeysRewrapped];
