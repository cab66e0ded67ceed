/**
 * Which of a source's sequence numbers (the relay's dense numbering, decision 029) audit has
 * recorded. Everything up to `watermark` is held; above it, received numbers are kept as
 * contiguous spans, so the state stays as small as the number of holes, however many events arrive
 * above a hole that is never filled.
 */
export interface SeqSpan {
  from: number;
  to: number;
  /** When the first number of this span was received (epoch ms). */
  since: number;
}

export interface SourceCoverage {
  /** Every number 1..watermark is recorded. */
  watermark: number;
  /** Recorded numbers above watermark + 1: sorted, disjoint, never adjacent to each other. */
  spans: SeqSpan[];
}

export interface MissingRange {
  from: number;
  to: number;
  count: number;
  /** How long the hole has been visible: since the first number above it arrived. */
  ageMs: number;
  /** Younger than the grace: events still on their way (partitions arrive out of order). */
  inFlight: boolean;
}

export interface CoverageReport {
  /** The highest number recorded (the hole at the very end, events never received, is invisible until a later one arrives). */
  highest: number;
  watermark: number;
  /** Numbers missing for longer than the grace. */
  missing: number;
  /** Holes, in flight or missing, lowest first; at most MAX_LISTED_GAPS of them. */
  gaps: MissingRange[];
  /** How many holes there are, listed or not. */
  gapCount: number;
}

/** A report (health details, verify) lists this many holes per source; the counts cover all. */
export const MAX_LISTED_GAPS = 100;

export const EMPTY_COVERAGE: SourceCoverage = { watermark: 0, spans: [] };

/** How long a hole may stay open before it counts as missing: a partition lagging behind another. */
export const DEFAULT_GAP_GRACE_MS = 30_000;

/** Records numbers received at `at`. Repeats change nothing. Pure: returns a new state. */
export function addSeqs(coverage: SourceCoverage, seqs: Iterable<number>, at: number): SourceCoverage {
  let watermark = coverage.watermark;
  const spans = coverage.spans.map((s) => ({ ...s }));
  for (const seq of [...seqs].sort((a, b) => a - b)) {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq <= watermark) continue;
    // The first span ending at or after seq - 1: seq joins it, extends it, or goes before it.
    const i = firstSpanEndingAtOrAfter(spans, seq - 1);
    const s = spans[i];
    if (s && s.from <= seq && seq <= s.to) continue;
    if (s && s.to === seq - 1) {
      s.to = seq;
      const next = spans[i + 1];
      if (next && next.from === seq + 1) {
        s.to = next.to;
        s.since = Math.min(s.since, next.since);
        spans.splice(i + 1, 1);
      }
    } else if (s && s.from === seq + 1) {
      s.from = seq;
      s.since = Math.min(s.since, at);
    } else {
      spans.splice(i, 0, { from: seq, to: seq, since: at });
    }
    if (spans[0] && spans[0].from === watermark + 1) {
      watermark = spans[0].to;
      spans.shift();
    }
  }
  return { watermark, spans };
}

/** The holes below the highest recorded number, oldest-visible first within their order. */
export function missingRanges(coverage: SourceCoverage, now: number, graceMs = DEFAULT_GAP_GRACE_MS): MissingRange[] {
  const { watermark, spans } = coverage;
  // A hole became visible when any number above it first arrived: the earliest `since` at or after it.
  const visibleSince: number[] = new Array<number>(spans.length);
  let earliest = Infinity;
  for (let i = spans.length - 1; i >= 0; i--) {
    earliest = Math.min(earliest, spans[i].since);
    visibleSince[i] = earliest;
  }
  return spans.map((s, i) => {
    const from = i === 0 ? watermark + 1 : spans[i - 1].to + 1;
    const ageMs = Math.max(0, now - visibleSince[i]);
    return { from, to: s.from - 1, count: s.from - from, ageMs, inFlight: ageMs < graceMs };
  });
}

export function coverageReport(coverage: SourceCoverage, now: number, graceMs = DEFAULT_GAP_GRACE_MS): CoverageReport {
  const gaps = missingRanges(coverage, now, graceMs);
  const last = coverage.spans[coverage.spans.length - 1];
  return {
    highest: last ? last.to : coverage.watermark,
    watermark: coverage.watermark,
    missing: gaps.filter((g) => !g.inFlight).reduce((n, g) => n + g.count, 0),
    gaps: gaps.slice(0, MAX_LISTED_GAPS),
    gapCount: gaps.length,
  };
}

export interface CompletenessReport {
  /** No source has a number missing for longer than the grace. */
  complete: boolean;
  sources: Record<string, CoverageReport>;
}

/** Every source's report, by source name. */
export function completeness(coverage: ReadonlyMap<string, SourceCoverage>, now: number, graceMs = DEFAULT_GAP_GRACE_MS): CompletenessReport {
  const sources: Record<string, CoverageReport> = {};
  for (const source of [...coverage.keys()].sort()) sources[source] = coverageReport(coverage.get(source)!, now, graceMs);
  return { complete: Object.values(sources).every((r) => r.missing === 0), sources };
}

/**
 * Adds a batch's numbers to the coverage of their sources; returns the sources whose coverage
 * changed, with their new state. Items without a number (events published before numbering) are
 * not counted.
 */
export function recordSourceSeqs(coverage: ReadonlyMap<string, SourceCoverage>, items: Iterable<{ source: string; sourceSeq?: number }>, at: number): Map<string, SourceCoverage> {
  const bySource = new Map<string, number[]>();
  for (const { source, sourceSeq } of items) {
    if (sourceSeq === undefined) continue;
    const seqs = bySource.get(source);
    if (seqs) seqs.push(sourceSeq);
    else bySource.set(source, [sourceSeq]);
  }
  const changed = new Map<string, SourceCoverage>();
  for (const [source, seqs] of bySource) {
    const before = coverage.get(source) ?? EMPTY_COVERAGE;
    const after = addSeqs(before, seqs, at);
    if (!sameCoverage(before, after)) changed.set(source, after);
  }
  return changed;
}

/** Same numbers recorded (times aside): the incremental state against one recomputed from the chain. */
export function sameCoverage(a: SourceCoverage, b: SourceCoverage): boolean {
  return a.watermark === b.watermark && a.spans.length === b.spans.length && a.spans.every((s, i) => s.from === b.spans[i].from && s.to === b.spans[i].to);
}

function firstSpanEndingAtOrAfter(spans: SeqSpan[], n: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid].to < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
