import { MAX_PARTS, partSizeFor } from './object-store.service';

describe('multipart part sizes', () => {
  it('start at 8 MiB, never drop below S3 minimum, and reach hundreds of GiB within 10,000 parts', () => {
    const MiB = 1024 * 1024;
    expect(partSizeFor(1)).toBe(8 * MiB);
    expect(partSizeFor(2000)).toBe(8 * MiB);
    expect(partSizeFor(2001)).toBe(16 * MiB);
    expect(partSizeFor(MAX_PARTS)).toBe(128 * MiB);
    let capacity = 0;
    for (let p = 1; p <= MAX_PARTS; p++) capacity += partSizeFor(p);
    expect(capacity / 1024 ** 3).toBeGreaterThan(480);
  });
});
