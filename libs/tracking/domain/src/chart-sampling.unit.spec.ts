import { sampleChartPoints } from './chart-sampling';

/** Points as [step, timestamp], already in chart order. */
const run = (n: number, step: (i: number) => number = (i) => i): [number, number][] => Array.from({ length: n }, (_, i) => [step(i), 100 + i]);

// Every expectation here is what MLflow 3.17.2's SQL store answered for the same points
// (SqlAlchemyStore.get_metric_history_bulk_interval on SQLite).
describe("the UI chart's sample of one run (MLflow 3.17.2's rule)", () => {
  it('keeps the first point of each of five buckets over steps 0..9, the last point replacing the final pick', () => {
    expect(sampleChartPoints(run(10), 5)).toEqual([
      [0, 100],
      [2, 102],
      [4, 104],
      [6, 106],
      [9, 109],
    ]);
  });

  it('returns every point when there are no more than max_results', () => {
    expect(sampleChartPoints(run(10), 10)).toEqual(run(10));
    expect(sampleChartPoints(run(3), 2500)).toEqual(run(3));
    expect(sampleChartPoints([], 5)).toEqual([]);
  });

  it('returns only the last point for one result', () => {
    expect(sampleChartPoints(run(10), 1)).toEqual([[9, 109]]);
  });

  it('makes the first buckets one point longer when the points do not divide evenly', () => {
    expect(sampleChartPoints(run(1000), 7).map(([step]) => step)).toEqual([0, 143, 286, 429, 572, 715, 999]);
    expect(sampleChartPoints(run(11), 4).map(([step]) => step)).toEqual([0, 3, 6, 10]);
    expect(sampleChartPoints(run(7), 2).map(([step]) => step)).toEqual([0, 6]);
  });

  it('samples by point, not by step, so many values at one step still spread over the run', () => {
    expect(
      sampleChartPoints(
        run(10, () => 0),
        3,
      ),
    ).toEqual([
      [0, 100],
      [0, 104],
      [0, 109],
    ]);
  });
});
