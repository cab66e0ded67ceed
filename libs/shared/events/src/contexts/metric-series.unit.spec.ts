import { eventCatalog } from '../catalog';
import { MetricPoint, metricSeries, metricSeriesList, toMetricPoints, toMetricSeries } from './metric-series';

const series = (over: Record<string, unknown> = {}) => ({ key: 'loss', steps: [0, 1], timestamps: [10, 11], values: [0.5, 'NaN'], ...over });

describe('metric series', () => {
  it('accepts parallel columns of integers, epoch milliseconds and encoded values', () => {
    expect(metricSeries.safeParse(series()).success).toBe(true);
    expect(metricSeries.safeParse(series({ steps: [-3, 2 ** 53 - 1], values: ['Infinity', '-Infinity'], modelId: 'm-1' })).success).toBe(true);
  });

  it.each([
    ['columns of different lengths', { timestamps: [10] }],
    ['no points', { steps: [], timestamps: [], values: [] }],
    ['a fractional step', { steps: [0, 1.5] }],
    ['an unsafe integer step', { steps: [0, 2 ** 53] }],
    ['a negative timestamp', { timestamps: [10, -1] }],
    ['a timestamp given as text', { timestamps: [10, '11'] }],
    ['a non-finite number as a value', { values: [0.5, Infinity] }],
    ['an unknown value word', { values: [0.5, 'nan'] }],
    ['a column that is not an array', { steps: '0,1' }],
    ['an empty key', { key: '' }],
  ])('refuses %s', (_, over) => {
    expect(metricSeries.safeParse(series(over)).success).toBe(false);
  });

  it('refuses more than 1000 points in all, however they are split', () => {
    const of = (n: number) => ({ key: 'm', steps: Array.from({ length: n }, (_, i) => i), timestamps: Array(n).fill(0), values: Array(n).fill(1) });
    expect(metricSeriesList.safeParse([of(500), of(500)]).success).toBe(true);
    expect(metricSeriesList.safeParse([of(500), of(501)]).success).toBe(false);
    expect(metricSeriesList.safeParse([of(1001)]).success).toBe(false);
  });

  it('groups points by key and links, and gives the same points back', () => {
    const points: MetricPoint[] = [
      { key: 'a', value: 1, timestamp: 1, step: 0 },
      { key: 'b', value: 'NaN', timestamp: 1, step: 0, modelId: 'm-1' },
      { key: 'a', value: 2, timestamp: 2, step: 1 },
      { key: 'b', value: 3, timestamp: 2, step: 1 },
      { key: 'b', value: 4, timestamp: 3, step: 2, modelId: 'm-1' },
    ];
    const grouped = toMetricSeries(points);
    expect(grouped).toEqual([
      { key: 'a', steps: [0, 1], timestamps: [1, 2], values: [1, 2] },
      { key: 'b', steps: [0, 2], timestamps: [1, 3], values: ['NaN', 4], modelId: 'm-1' },
      { key: 'b', steps: [1], timestamps: [2], values: [3] },
    ]);
    expect(toMetricPoints(grouped)).toEqual([points[0], points[2], points[1], points[4], points[3]]);
  });

  it('upcasts a stored v2 event (one object per point) to series', () => {
    const upcast = eventCatalog.parse({
      id: '0190f5a0-0000-7000-8000-000000000099',
      type: 'tracking.RunDataLogged',
      schemaVersion: 2,
      source: 'tracking',
      streamId: 'run-r',
      streamPosition: 1,
      occurredAt: '2026-11-22T00:00:00.000Z',
      data: {
        runId: 'r',
        metrics: [
          { key: 'a', value: 1, timestamp: 1, step: 0 },
          { key: 'a', value: 'Infinity', timestamp: 2, step: 1 },
        ],
        params: [],
        tags: [],
      },
      metadata: { correlationId: 'c0ffee00-0000-4000-8000-000000000001', actor: { type: 'user', id: 'alice' } },
    });
    expect(upcast.schemaVersion).toBe(3);
    expect(upcast.data).toEqual({ runId: 'r', metrics: [{ key: 'a', steps: [0, 1], timestamps: [1, 2], values: [1, 'Infinity'] }], params: [], tags: [] });
  });
});
