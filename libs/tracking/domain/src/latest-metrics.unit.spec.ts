import { EncodedMetricValue, MetricPoint, toMetricSeries } from '@custos/events';
import { latestPerKey, pointsByKey } from './latest-metrics';

const p = (key: string, step: number, timestamp: number, value: EncodedMetricValue, modelId?: string): MetricPoint => ({ key, step, timestamp, value, ...(modelId ? { modelId } : {}) });
const latest = (points: MetricPoint[]) => latestPerKey(toMetricSeries(points));
const point = (key: string, step: number, timestamp: number, value: EncodedMetricValue) => ({ key, value, timestamp, step });

describe('latestPerKey', () => {
  it('keeps one point per key: the greatest step, then timestamp, then value', () => {
    const points = [p('a', 1, 9, 5), p('a', 2, 1, 0), p('b', 0, 1, 1), p('a', 2, 1, 3), p('b', 0, 2, -1), p('a', 1, 99, 99)];
    expect(latest(points)).toEqual([point('a', 2, 1, 3), point('b', 0, 2, -1)]);
  });

  it('compares NaN as 0 and the infinities as themselves', () => {
    expect(latest([p('a', 0, 0, -1), p('a', 0, 0, 'NaN')])).toEqual([point('a', 0, 0, 'NaN')]);
    expect(latest([p('a', 0, 0, 'NaN'), p('a', 0, 0, 0.5)])).toEqual([point('a', 0, 0, 0.5)]);
    expect(latest([p('a', 0, 0, 'Infinity'), p('a', 0, 0, 1e308)])).toEqual([point('a', 0, 0, 'Infinity')]);
    expect(latest([p('a', 0, 0, '-Infinity'), p('a', 0, 0, -1e308)])).toEqual([point('a', 0, 0, -1e308)]);
  });

  it('keeps the first of equal points, NaN and 0 included', () => {
    expect(latest([p('a', 0, 0, 0), p('a', 0, 0, 'NaN'), p('a', 0, 0, 0)])).toEqual([point('a', 0, 0, 0)]);
    expect(latest([p('a', 0, 0, 'NaN'), p('a', 0, 0, 0)])).toEqual([point('a', 0, 0, 'NaN')]);
  });

  it("takes a key's model-linked series into account with its plain one", () => {
    expect(latest([p('a', 1, 0, 1), p('a', 5, 0, 2, 'm-1'), p('a', 3, 0, 3)])).toEqual([point('a', 5, 0, 2)]);
  });

  it('is empty for no points', () => {
    expect(latestPerKey([])).toEqual([]);
  });
});

describe('pointsByKey', () => {
  it("merges a key's series in first-logged order, keeping each series' points in logged order", () => {
    const series = toMetricSeries([p('b', 2, 20, 1), p('a', 0, 10, 'NaN', 'm-1'), p('b', 1, 30, 'Infinity'), p('a', 0, 10, 'NaN'), p('a', 1, 11, 4, 'm-1')]);
    expect(pointsByKey(series)).toEqual([
      { key: 'b', steps: [2, 1], timestamps: [20, 30], values: [1, 'Infinity'] },
      { key: 'a', steps: [0, 1, 0], timestamps: [10, 11, 10], values: ['NaN', 4, 'NaN'] },
    ]);
  });

  it('loses no point, and leaves the series it merges as they were', () => {
    const series = toMetricSeries(Array.from({ length: 1000 }, (_, j) => p(`m${j % 100}`, Math.floor(j / 100), j, j / 7, j % 200 === 3 ? 'm-1' : undefined)));
    const before = JSON.stringify(series);
    const groups = pointsByKey(series);
    expect(groups).toHaveLength(100);
    expect(groups.reduce((n, g) => n + g.steps.length, 0)).toBe(1000);
    expect(groups[3]).toEqual({
      key: 'm3',
      steps: [0, 2, 4, 6, 8, 1, 3, 5, 7, 9],
      timestamps: [3, 203, 403, 603, 803, 103, 303, 503, 703, 903],
      values: [3, 203, 403, 603, 803, 103, 303, 503, 703, 903].map((j) => j / 7),
    });
    expect(JSON.stringify(series)).toBe(before);
  });

  it('is empty for no series', () => {
    expect(pointsByKey([])).toEqual([]);
  });
});
