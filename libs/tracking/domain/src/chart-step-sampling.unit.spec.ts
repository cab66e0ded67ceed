import { RunStepBounds, sampleChartSteps, StepRange } from './chart-step-sampling';

const range = (from: number, to: number, by = 1) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);

/** Runs given by their steps, as the query hands them over: the union ascending and each run's ends. */
function sample(runs: number[][], maxResults: number, stepRange: StepRange | null = null): number[] {
  const all = [...new Set(runs.flat())].sort((a, b) => a - b);
  const bounds: RunStepBounds[] = runs.filter((r) => r.length > 0).map((r) => ({ min: Math.min(...r), max: Math.max(...r) }));
  return sampleChartSteps(all, bounds, maxResults, stepRange);
}

// Expected values computed with MLflow's own rule over the same inputs.
describe("the UI chart's step sample (MLflow's get-history-bulk-interval rule)", () => {
  it('keeps every other step of 0..9 for five results, and the last step too', () => {
    expect(sample([range(0, 9)], 5)).toEqual([0, 2, 4, 6, 8, 9]);
  });

  it('returns every step when there are no more than max_results of them', () => {
    expect(sample([[0, 1, 2]], 5)).toEqual([0, 1, 2]);
  });

  it('keeps only the first and last step for one result', () => {
    expect(sample([range(0, 9)], 1)).toEqual([0, 9]);
  });

  it('spreads picks evenly over a long history', () => {
    expect(sample([range(0, 999)], 7)).toEqual([0, 142, 285, 428, 571, 714, 857, 999]);
  });

  it('samples the union of all runs and adds back each run’s first and last step', () => {
    expect(sample([range(0, 100, 10), range(0, 5)], 4)).toEqual([0, 4, 5, 30, 70, 100]);
  });

  it('starts at step 0 without a range, so negative steps are left out', () => {
    expect(sample([[-2, -1, 0, 1, 2]], 10)).toEqual([0, 1, 2]);
    expect(sample([[-5, -3]], 5)).toEqual([]);
  });

  it('bounds picks by the count of steps in a range, as MLflow does', () => {
    expect(sample([range(0, 19)], 5, { start: 5, end: 19 })).toEqual([5, 8, 11, 14, 19]);
    expect(sample([range(0, 19)], 4, { start: 10, end: 19 })).toEqual([19]);
  });

  it('returns nothing for runs without points', () => {
    expect(sample([], 5)).toEqual([]);
    expect(sample([[]], 5, { start: 0, end: 10 })).toEqual([]);
  });
});
