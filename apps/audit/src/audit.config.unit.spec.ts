import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, parseConfig } from '@custos/platform';
import { offlineServiceEnv } from '@custos/testing';
import { auditEnv } from './audit.config';

const ed25519 = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

describe('audit configuration', () => {
  it('defaults the checkpoint settings', () => {
    const c = parseConfig(auditEnv, offlineServiceEnv({ AUDIT_SIGNING_KEY: ed25519() }));
    expect(c).toMatchObject({
      AUDIT_CHECKPOINT_INTERVAL_MS: 10_000,
      AUDIT_CHECKPOINT_BUCKET: 'custos-audit-checkpoints',
      AUDIT_CHECKPOINT_RETENTION_DAYS: 365,
      AUDIT_CHECKPOINT_RETENTION_MODE: 'COMPLIANCE',
      AUDIT_CHECKPOINT_ORIGIN: 'custos/audit',
      AUDIT_CONSUMER_LINGER_MS: 500,
      AUDIT_GAP_GRACE_MS: 30_000,
    });
  });

  it('takes a consumer linger from 0 (off) to 5 s, and refuses one outside', () => {
    expect(parseConfig(auditEnv, offlineServiceEnv({ AUDIT_SIGNING_KEY: ed25519(), AUDIT_CONSUMER_LINGER_MS: '0' })).AUDIT_CONSUMER_LINGER_MS).toBe(0);
    for (const bad of ['-1', '5001', 'soon']) {
      expect(() => parseConfig(auditEnv, offlineServiceEnv({ AUDIT_SIGNING_KEY: ed25519(), AUDIT_CONSUMER_LINGER_MS: bad }))).toThrow('AUDIT_CONSUMER_LINGER_MS');
    }
  });

  it.each([
    ['missing', undefined],
    ['not base64', 'not a key!'],
    ['not Ed25519', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')],
    ['a public key', generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
  ])('refuses an AUDIT_SIGNING_KEY that is %s, naming it', (_label, value) => {
    const env = offlineServiceEnv(value === undefined ? {} : { AUDIT_SIGNING_KEY: value });
    try {
      parseConfig(auditEnv, env);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).variables).toContain('AUDIT_SIGNING_KEY');
      expect((e as Error).message).not.toContain(value ?? '\u0000');
    }
  });

  it('refuses a retention mode S3 does not know, and an origin with spaces', () => {
    expect(() => parseConfig(auditEnv, offlineServiceEnv({ AUDIT_SIGNING_KEY: ed25519(), AUDIT_CHECKPOINT_RETENTION_MODE: 'LEGAL' }))).toThrow('AUDIT_CHECKPOINT_RETENTION_MODE');
    expect(() => parseConfig(auditEnv, offlineServiceEnv({ AUDIT_SIGNING_KEY: ed25519(), AUDIT_CHECKPOINT_ORIGIN: 'two words' }))).toThrow('AUDIT_CHECKPOINT_ORIGIN');
  });
});
