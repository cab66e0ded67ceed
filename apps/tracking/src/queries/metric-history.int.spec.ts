import { createTestDatabase, TestDatabase } from '@custos/testing';
import { sampleChartPoints } from '@custos/tracking-domain';
import { TrackingReadModels1732000000400 } from '../migrations/1732000000400-tracking-read-models';
import { MetricHistoryBatches1732000000800 } from '../migrations/1732000000800-metric-history-batches';
import { MetricRow } from '../http/run-json';
import { metricHistory, sampledMetricHistory } from './metric-history.query';

/** A small seeded generator, so a failing shape can be replayed. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** MLflow's chart order: step, timestamp, value with NaN as 0, NaN last. */
const chartOrder = (a: MetricRow, b: MetricRow) =>
  Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp) || (a.is_nan ? 0 : a.value) - (b.is_nan ? 0 : b.value) || Number(a.is_nan) - Number(b.is_nan);

const shape = (rows: MetricRow[]) => rows.map((m) => `${m.step}@${m.timestamp}=${m.is_nan ? 'NaN' : m.value}`);

describe('the chart sample in SQL is MLflow’s rule (sampleChartPoints)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('chart_sample', [TrackingReadModels1732000000400, MetricHistoryBatches1732000000800]);
  });
  afterAll(() => db.drop());

  it('agrees with the pure rule over many runs of random shapes, with and without a step range', async () => {
    const next = random(17);
    for (let run = 0; run < 60; run++) {
      const runId = `r${run}`;
      const points = next(80);
      const steps: number[] = [];
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < points; i++) {
        // Few distinct steps (repeats, negatives), timestamps that tie, a NaN now and then.
        steps.push(next(4) === 0 ? next(5) - 2 : next(40));
        timestamps.push(1000 + next(30));
        values.push(next(10) === 0 ? NaN : next(7) / 2);
      }
      // Logged in up to three batches; the history dedups a point logged twice.
      const cut = [0, next(points + 1), points].sort((a, b) => a - b);
      for (let b = 0; b < 2; b++) {
        const [from, to] = [cut[b], cut[b + 1]];
        if (from === to) continue;
        await db.dataSource.query(`INSERT INTO run_metric_batches (run_id, key, stream_position, steps, timestamps, vals) VALUES ($1, 'k', $2, $3, $4, $5)`, [
          runId,
          b,
          steps.slice(from, to),
          timestamps.slice(from, to),
          values.slice(from, to),
        ]);
      }
      const maxResults = 1 + next(12);
      const start = next(3) === 0 ? next(20) - 3 : null;
      const range = start === null ? null : { start, end: start + next(25) };
      const all = (await metricHistory(db.dataSource, runId, 'k', 0, null)).sort(chartOrder);
      const inRange = range ? all.filter((m) => Number(m.step) >= range.start && Number(m.step) <= range.end) : all;
      const expected = sampleChartPoints(inRange, maxResults);
      const got = await sampledMetricHistory(db.dataSource, runId, 'k', maxResults, range);
      expect({ run, maxResults, range, sample: shape(got) }).toEqual({ run, maxResults, range, sample: shape(expected) });
    }
  });
});
