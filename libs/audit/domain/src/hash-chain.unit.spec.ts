import { expect } from '@jest/globals';
import { seededRandom } from '@custos/rbac/testing';
import { canonicalJson } from './canonical-json';
import { ChainLink, GENESIS_HASH, linkHash, verifyChain } from './hash-chain';

function chain(entries: unknown[]): ChainLink[] {
  let prev = GENESIS_HASH;
  return entries.map((e, i) => {
    const canonical = canonicalJson(e);
    const hash = linkHash(prev, i + 1, canonical);
    const link = { sequence: i + 1, prevHash: prev, hash, canonical };
    prev = hash;
    return link;
  });
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
  });
  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson({ v: NaN })).toThrow(TypeError);
    expect(() => canonicalJson([1, Infinity])).toThrow(TypeError);
    expect(() => canonicalJson(['NaN', 0.5, NaN])).toThrow(TypeError);
  });

  it('prints arrays of primitives element by element as the definition says, and refuses a hole', () => {
    expect(canonicalJson({ values: [0.1 + 0.2, -0, 1e21, 5e-324, 'NaN', 'Infinity', true, null, 'a"\u0001'] })).toBe(
      '{"values":[0.30000000000000004,0,1e+21,5e-324,"NaN","Infinity",true,null,"a\\"\\u0001"]}',
    );
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
  });

  it('orders keys by UTF-16 code units, integer-like keys included (objects list those first)', () => {
    expect(canonicalJson({ b: 1, 10: 'ten', 9: 'nine', A: 0, é: 2, '': 3 })).toBe('{"":3,"10":"ten","9":"nine","A":0,"b":1,"é":2}');
  });

  it('matches the definition, is JSON of the same value and a fixed point (2000 random values)', () => {
    const rnd = seededRandom(20261122);
    const keys = ['a', 'b', 'key', 'step', 'timestamp', 'value', '10', '9', '0', 'Z', 'é', '😀', 'with space', '"q"', ''];
    const leaf = (): unknown => [() => rnd(1e6) - 5e5, () => (rnd(1e6) - 5e5) / 7, () => -0, () => 1e-7 * rnd(9), () => 'x\n"\u0001ü😀'.slice(rnd(9)), () => rnd(2) === 1, () => null][rnd(7)]();
    const value = (depth: number): unknown => {
      if (depth === 0 || rnd(3) === 0) return leaf();
      if (rnd(2) === 0) return Array.from({ length: rnd(5) }, () => value(depth - 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(6); i > 0; i--) o[keys[rnd(keys.length)]] = rnd(8) === 0 ? undefined : value(depth - 1);
      return o;
    };
    // The definition, written plainly, as the oracle.
    const oracle = (v: unknown): string =>
      Array.isArray(v)
        ? `[${v.map(oracle).join(',')}]`
        : typeof v === 'object' && v !== null
          ? `{${Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => `${JSON.stringify(k)}:${oracle(x)}`)
              .join(',')}}`
          : JSON.stringify(v);
    for (let i = 0; i < 2000; i++) {
      const v = value(4);
      const c = canonicalJson(v);
      expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(v)));
      expect(canonicalJson(JSON.parse(c))).toBe(c);
      expect(c).toBe(oracle(v));
    }
  });
});

describe('hash chain', () => {
  const links = chain([{ a: 1 }, { b: 2 }, { c: 3 }]);

  it('verifies an intact chain and reports its head', () => {
    expect(verifyChain(links)).toEqual({ ok: true, checked: 3, head: links[2].hash });
  });

  it('detects changed content', () => {
    const tampered = links.map((l, i) => (i === 1 ? { ...l, canonical: '{"b":3}' } : l));
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringContaining('content') });
  });

  it('detects a removed entry', () => {
    expect(verifyChain([links[0], links[2]])).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects a re-hashed rewrite that does not link to its predecessor', () => {
    const forged = { ...links[1], canonical: '{"b":9}', hash: linkHash(links[1].prevHash, 2, '{"b":9}') };
    expect(verifyChain([links[0], forged, links[2]])).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('previous-hash') });
  });

  it('verifies a suffix from a trusted checkpoint', () => {
    expect(verifyChain(links.slice(1), links[0].hash, 2)).toMatchObject({ ok: true, checked: 2 });
  });
});
