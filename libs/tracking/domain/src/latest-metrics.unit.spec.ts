import { latestPerKey, pointsByKey } from './latest-metrics';

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

describe('pointsByKey', () => {
  it('groups points by key in first-logged order, keeping each key\'s points in logged order', () => {
    const points = [p('b', 2, 20, 1), p('a', 0, 10, 'NaN'), p('b', 1, 30, 'Infinity'), p('a', 0, 10, 'NaN')];
    expect(pointsByKey(points)).toEqual([
      { key: 'b', steps: [2, 1], timestamps: [20, 30], values: [1, 'Infinity'] },
      { key: 'a', steps: [0, 0], timestamps: [10, 10], values: ['NaN', 'NaN'] },
    ]);
  });

  it('loses no point', () => {
    const points = Array.from({ length: 1000 }, (_, j) => p(`m${j % 100}`, Math.floor(j / 100), j, j / 7));
    const groups = pointsByKey(points);
    expect(groups).toHaveLength(100);
    expect(groups.reduce((n, g) => n + g.steps.length, 0)).toBe(1000);
    expect(groups[3]).toEqual({ key: 'm3', steps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], timestamps: [3, 103, 203, 303, 403, 503, 603, 703, 803, 903], values: [3, 103, 203, 303, 403, 503, 603, 703, 803, 903].map((j) => j / 7) });
  });

  it('is empty for no points', () => {
    expect(pointsByKey([])).toEqual([]);
  });
});
