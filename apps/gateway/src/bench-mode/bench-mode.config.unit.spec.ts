import { ConfigError, parseConfig } from '@custos/platform';
import { offlineServiceEnv } from '@custos/testing';
import { gatewayEnv } from '../gateway.config';
import { BENCH_UNAUTHENTICATED_PHRASE, isLoopbackLiteral } from './bench-mode.config';

const parse = (extra: Record<string, string>) => parseConfig(gatewayEnv, offlineServiceEnv(extra));

function refusal(extra: Record<string, string>): ConfigError {
  try {
    parse(extra);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('accepted');
}

describe('GATEWAY_BENCH_UNAUTHENTICATED (bench-only switch)', () => {
  it('is off when unset or empty', () => {
    expect(parse({}).GATEWAY_BENCH_UNAUTHENTICATED).toBe(false);
    expect(parse({ GATEWAY_BENCH_UNAUTHENTICATED: '' }).GATEWAY_BENCH_UNAUTHENTICATED).toBe(false);
    // Off needs no loopback: a production gateway binds every interface.
    expect(parse({ HTTP_HOST: '0.0.0.0' }).GATEWAY_BENCH_UNAUTHENTICATED).toBe(false);
  });

  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1'])('is on with the exact phrase on loopback %s', (host) => {
    expect(parse({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE, HTTP_HOST: host }).GATEWAY_BENCH_UNAUTHENTICATED).toBe(true);
  });

  it.each(['true', '1', 'yes', 'on', `${BENCH_UNAUTHENTICATED_PHRASE} `, BENCH_UNAUTHENTICATED_PHRASE.toUpperCase()])('refuses any other value (%j), naming the variable', (value) => {
    const e = refusal({ GATEWAY_BENCH_UNAUTHENTICATED: value, HTTP_HOST: '127.0.0.1' });
    expect(e.variables).toEqual(['GATEWAY_BENCH_UNAUTHENTICATED']);
    expect(e.message).toContain(`exactly "${BENCH_UNAUTHENTICATED_PHRASE}"`);
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'localhost', 'example.com', '128.0.0.1', '::2', '::ffff:10.0.0.1', ''])(
    'refuses the phrase unless the gateway binds a loopback address (HTTP_HOST=%j)',
    (host) => {
      const e = refusal({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE, HTTP_HOST: host });
      expect(e.variables).toEqual(['GATEWAY_BENCH_UNAUTHENTICATED']);
      expect(e.message).toMatch(/refused unless HTTP_HOST is a loopback address/);
    },
  );

  it('refuses the phrase behind a trusted proxy, even on loopback', () => {
    const e = refusal({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE, HTTP_HOST: '127.0.0.1', TRUSTED_PROXIES: '127.0.0.2' });
    expect(e.variables).toEqual(['GATEWAY_BENCH_UNAUTHENTICATED']);
    expect(e.message).toMatch(/TRUSTED_PROXIES/);
  });

  it('the default HTTP_HOST (127.0.0.1) is loopback', () => {
    expect(parse({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE })).toMatchObject({ HTTP_HOST: '127.0.0.1', GATEWAY_BENCH_UNAUTHENTICATED: true });
  });
});

describe('isLoopbackLiteral', () => {
  it('accepts 127.0.0.0/8 and ::1 only, as literals', () => {
    expect(['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.2'].every(isLoopbackLiteral)).toBe(true);
    expect(['126.255.255.255', '0.0.0.0', '::', 'fe80::1', 'localhost', '127.0.0.01', '127.1', ' 127.0.0.1'].some(isLoopbackLiteral)).toBe(false);
  });
});
