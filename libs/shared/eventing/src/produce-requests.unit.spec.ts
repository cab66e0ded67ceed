import { Message } from 'kafkajs';
import { messageBytes, produceRequests } from './produce-requests';

const msg = (bytes: number, key = 'k'): Message => ({ key, value: 'x'.repeat(bytes), headers: { 'custos-event-type': 'T' } });

describe('produceRequests', () => {
  it('keeps order and puts everything in one request when it fits', () => {
    const ms = [msg(10, 'a'), msg(10, 'b'), msg(10, 'c')];
    expect(produceRequests(ms, 10_000)).toEqual([ms]);
  });

  it('splits a backlog so that no request exceeds the budget', () => {
    const ms = Array.from({ length: 50 }, (_, i) => msg(100_000, `s${i}`));
    const requests = produceRequests(ms, 1024 * 1024);
    expect(requests.length).toBeGreaterThan(1);
    for (const r of requests) expect(r.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(1024 * 1024);
    expect(requests.flat()).toEqual(ms);
  });

  it('sends a message larger than the budget alone rather than never', () => {
    const big = msg(3_000_000, 'big');
    const requests = produceRequests([msg(10, 'a'), big, msg(10, 'b')], 1024 * 1024);
    expect(requests).toEqual([[expect.objectContaining({ key: 'a' })], [big], [expect.objectContaining({ key: 'b' })]]);
  });

  it('counts multi-byte characters by their UTF-8 length', () => {
    expect(messageBytes({ key: null, value: 'é'.repeat(1000) })).toBeGreaterThanOrEqual(2000);
  });

  it('returns nothing for nothing', () => {
    expect(produceRequests([])).toEqual([]);
  });
});
