import { KeyRing, MasterKeyError, parseKeyRing } from '@custos/crypto';
import { ConfigError } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';

export const AI_CREDENTIAL_KEY_RING = Symbol('AI_CREDENTIAL_KEY_RING');

/** Bound into every wrap, so an AI credential's data key never unwraps as an artifact's, nor back. */
export const AI_SECRET_KEY_PURPOSE = 'ai-secret';

/** Parsed once at boot: a bad ring stops the gateway naming the variable, never the key material. */
export function aiCredentialKeyRing(config: Pick<GatewayConfig, 'AI_CREDENTIAL_MASTER_KEYS' | 'AI_CREDENTIAL_ACTIVE_KEY_ID'>): KeyRing {
  try {
    return parseKeyRing(config.AI_CREDENTIAL_MASTER_KEYS, config.AI_CREDENTIAL_ACTIVE_KEY_ID, AI_SECRET_KEY_PURPOSE);
  } catch (e) {
    if (!(e instanceof MasterKeyError)) throw e;
    const variable = /^active key id/.test(e.message) ? 'AI_CREDENTIAL_ACTIVE_KEY_ID' : 'AI_CREDENTIAL_MASTER_KEYS';
    throw new ConfigError([variable], `${variable}: ${e.message}`);
  }
}
