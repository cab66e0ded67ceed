import { newUpstreams } from './target-change';

describe('new upstreams of an endpoint change', () => {
  const current = [
    { provider: 'openai', secretId: 's1', baseUrl: null },
    { provider: 'openai_compatible', secretId: 's2', baseUrl: 'http://vllm.internal:8000/v1' },
  ];

  it('re-weighting, re-ordering, another model or fewer targets reach nothing new', () => {
    expect(newUpstreams(current, [{ provider: 'openai', secretId: 's1' }])).toEqual([]);
    expect(newUpstreams(current, [...current].reverse())).toEqual([]);
  });

  it('another credential, or the same credential at another address, is new', () => {
    expect(newUpstreams(current, [{ provider: 'openai', secretId: 's3' }])).toEqual([{ provider: 'openai', secretId: 's3' }]);
    const moved = { provider: 'openai', secretId: 's1', baseUrl: 'https://attacker.example/v1' };
    expect(newUpstreams(current, [moved])).toEqual([moved]);
  });
});
