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
