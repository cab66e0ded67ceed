import { KeyRing, MasterKeyError, parseKeyRing } from '@custos/crypto';
import { ConfigError } from '@custos/platform';
import { TrackingConfig } from '../tracking.config';

export const ARTIFACT_KEY_RING = Symbol('ARTIFACT_KEY_RING');

/**
 * The master keys, parsed once at boot. A bad ring stops the service with a message naming the
 * variable (and never the key material), like any other configuration error.
 */
export function artifactKeyRing(config: Pick<TrackingConfig, 'ARTIFACT_MASTER_KEYS' | 'ARTIFACT_ACTIVE_KEY_ID'>): KeyRing {
  try {
    return parseKeyRing(config.ARTIFACT_MASTER_KEYS, config.ARTIFACT_ACTIVE_KEY_ID, 'artifact');
  } catch (e) {
    if (!(e instanceof MasterKeyError)) throw e;
    const variable = /^active key id/.test(e.message) ? 'ARTIFACT_ACTIVE_KEY_ID' : 'ARTIFACT_MASTER_KEYS';
    throw new ConfigError([variable], `${variable}: ${e.message}`);
  }
}
