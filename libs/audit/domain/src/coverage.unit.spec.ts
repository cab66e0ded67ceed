import { addSeqs, coverageReport, EMPTY_COVERAGE, MAX_LISTED_GAPS, missingRanges, recordSourceSeqs, sameCoverage, SourceCoverage } from './coverage';

const add = (c: SourceCoverage, seqs: number[], at = 0) => addSeqs(c, seqs, at);

describe('source coverage', () => {
  it('advances the watermark over numbers received in order, in one call or many', () => {
    expect(add(EMPTY_COVERAGE, [1, 2, 3])).toEqual({ watermark: 3, spans: [] });
    expect(add(add(add(EMPTY_COVERAGE, [1]), [2]), [3])).toEqual({ watermark: 3, spans: [] });
  });

  it('keeps numbers above a hole as spans and folds them in once the hole fills', () => {
    let c = add(EMPTY_COVERAGE, [1, 2, 4, 5, 7], 100);
    expect(c).toEqual({
      watermark: 2,
      spans: [
        { from: 4, to: 5, since: 100 },
        { from: 7, to: 7, since: 100 },
      ],
    });
    c = add(c, [6], 200);
    expect(c).toEqual({ watermark: 2, spans: [{ from: 4, to: 7, since: 100 }] });
    c = add(c, [3], 300);
    expect(c).toEqual({ watermark: 7, spans: [] });
  });

  it('takes numbers in any order, and repeats change nothing', () => {
    const shuffled = [9, 3, 1, 10, 2, 8, 5, 4, 7, 6];
    let c = EMPTY_COVERAGE;
    for (const s of shuffled) c = add(c, [s]);
    expect(c).toEqual({ watermark: 10, spans: [] });
    expect(add(c, [1, 5, 10])).toEqual(c);
    const holey = add(EMPTY_COVERAGE, [1, 5, 6]);
    expect(add(holey, [5, 6, 1])).toEqual(holey);
  });

  it('prepends to a span and merges spans that meet', () => {
    let c = add(EMPTY_COVERAGE, [10], 1);
    c = add(c, [9], 2);
    c = add(c, [7], 3);
    expect(c.spans).toEqual([
      { from: 7, to: 7, since: 3 },
      { from: 9, to: 10, since: 1 },
    ]);
    c = add(c, [8], 4);
    expect(c.spans).toEqual([{ from: 7, to: 10, since: 1 }]);
  });

  it('stays as small as the number of holes, however many numbers arrive above one', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => i + 2);
    const c = add(EMPTY_COVERAGE, many);
    expect(c).toEqual({ watermark: 0, spans: [{ from: 2, to: 100_001, since: 0 }] });
  });

  it('ignores what is not a positive integer', () => {
    expect(add(EMPTY_COVERAGE, [0, -1, 1.5, Number.NaN])).toEqual(EMPTY_COVERAGE);
  });

  it('names each hole with its age, counted from the first number seen above it', () => {
    // 5 arrived at t=1000, 3 at t=5000: the hole 4..4 is visible since 5 arrived; 1..2 since 5 arrived too.
    let c = add(EMPTY_COVERAGE, [5], 1_000);
    c = add(c, [3], 5_000);
    expect(missingRanges(c, 40_000, 30_000)).toEqual([
      { from: 1, to: 2, count: 2, ageMs: 39_000, inFlight: false },
      { from: 4, to: 4, count: 1, ageMs: 39_000, inFlight: false },
    ]);
    c = add(c, [8], 35_000);
    expect(missingRanges(c, 40_000, 30_000)[2]).toEqual({ from: 6, to: 7, count: 2, ageMs: 5_000, inFlight: true });
  });

  it('reports missing numbers past the grace, the watermark and the highest number seen', () => {
    let c = add(EMPTY_COVERAGE, [1, 2, 3, 5, 6], 0);
    c = add(c, [10], 50_000);
    expect(coverageReport(c, 60_000, 30_000)).toMatchObject({ highest: 10, watermark: 3, missing: 1 });
    expect(coverageReport(add(c, [4, 7, 8, 9], 60_000), 60_000)).toEqual({ highest: 10, watermark: 10, missing: 0, gaps: [], gapCount: 0 });
    expect(coverageReport(EMPTY_COVERAGE, 0)).toEqual({ highest: 0, watermark: 0, missing: 0, gaps: [], gapCount: 0 });
  });

  it('lists the lowest holes only, and counts them all', () => {
    const everyOther = add(
      EMPTY_COVERAGE,
      Array.from({ length: 1000 }, (_, i) => 2 * (i + 1)),
      0,
    );
    const report = coverageReport(everyOther, 60_000, 30_000);
    expect(report).toMatchObject({ highest: 2000, watermark: 0, missing: 1000, gapCount: 1000 });
    expect(report.gaps).toHaveLength(MAX_LISTED_GAPS);
    expect(report.gaps[0]).toMatchObject({ from: 1, to: 1 });
  });

  it('compares coverage by the numbers it holds, not by when they arrived', () => {
    expect(sameCoverage(add(EMPTY_COVERAGE, [1, 3], 5), add(EMPTY_COVERAGE, [3, 1], 9))).toBe(true);
    expect(sameCoverage(add(EMPTY_COVERAGE, [1, 3]), add(EMPTY_COVERAGE, [1, 4]))).toBe(false);
  });
});

describe('recording a batch', () => {
  it('groups numbers by source, skips events without one and returns only what changed', () => {
    const before = new Map([['tracking', add(EMPTY_COVERAGE, [1, 2])]]);
    const changed = recordSourceSeqs(
      before,
      [{ source: 'tracking', sourceSeq: 2 }, { source: 'authz', sourceSeq: 2 }, { source: 'authz', sourceSeq: 1 }, { source: 'audit' }, { source: 'tracking', sourceSeq: 1 }],
      7,
    );
    expect([...changed]).toEqual([['authz', { watermark: 2, spans: [] }]]);
  });
});
