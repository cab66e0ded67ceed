import { PartBuffers } from './part-buffers';

describe('PartBuffers', () => {
  it('hands back a kept buffer of the common size instead of allocating', () => {
    const pool = new PartBuffers(1024, 2);
    const a = pool.take(1024);
    pool.give(a);
    expect(pool.take(1024)).toBe(a);
    expect(pool.take(1024)).not.toBe(a);
  });

  it('keeps at most `keep` idle buffers, and never other sizes', () => {
    const pool = new PartBuffers(1024, 2);
    for (const b of [pool.take(1024), pool.take(1024), pool.take(1024)]) pool.give(b);
    expect(pool.idleCount).toBe(2);
    const big = pool.take(2048);
    expect(big.length).toBe(2048);
    pool.give(big);
    pool.give(Buffer.alloc(0));
    expect(pool.idleCount).toBe(2);
    expect(pool.take(2048)).not.toBe(big);
  });
});
