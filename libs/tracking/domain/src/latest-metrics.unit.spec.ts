import { latestPerKey } from './latest-metrics';

const p = (key: string, step: number, timestamp: number, value: number | 'NaN' | 'Infinity' | '-Infinity', tag = '') => ({ key, step, timestamp, value, tag });

describe('latestPerKey', () => {
  it('keeps one point per key: the greatest step, then timestamp, then value', () => {
    const points = [p('a', 1, 9, 5), p('a', 2, 1, 0), p('b', 0, 1, 1), p('a', 2, 1, 3), p('b', 0, 2, -1), p('a', 1, 99, 99)];
    expect(latestPerKey(points)).toEqual([p('a', 2, 1, 3), p('b', 0, 2, -1)]);
  });

  it('compares NaN as 0 and the infinities as themselves', () => {
    expect(latestPerKey([p('a', 0, 0, -1), p('a', 0, 0, 'NaN')])).toEqual([p('a', 0, 0, 'NaN')]);
    expect(latestPerKey([p('a', 0, 0, 'NaN'), p('a', 0, 0, 0.5)])).toEqual([p('a', 0, 0, 0.5)]);
    expect(latestPerKey([p('a', 0, 0, 'Infinity'), p('a', 0, 0, 1e308)])).toEqual([p('a', 0, 0, 'Infinity')]);
    expect(latestPerKey([p('a', 0, 0, '-Infinity'), p('a', 0, 0, -1e308)])).toEqual([p('a', 0, 0, -1e308)]);
  });

  it('keeps the first of equal points, NaN and 0 included', () => {
    expect(latestPerKey([p('a', 0, 0, 0, 'first'), p('a', 0, 0, 'NaN', 'second'), p('a', 0, 0, 0, 'third')])).toEqual([p('a', 0, 0, 0, 'first')]);
  });

  it('is empty for no points', () => {
    expect(latestPerKey([])).toEqual([]);
  });
});
