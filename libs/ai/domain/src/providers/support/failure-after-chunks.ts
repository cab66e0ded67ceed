/**
 * Keeps the chunks that came before a stream's error. When one push both yields chunks and hits an
 * error (an error event right after some text), the chunks are returned and the error is thrown on
 * the next push or at end, so what the caller sees never depends on how the bytes were split.
 */
export class FailureAfterChunks {
  private pending: unknown;
  private failed = false;

  run<E, T>(events: E[], handle: (event: E) => T[]): T[] {
    this.rethrow();
    const out: T[] = [];
    for (const e of events) {
      try {
        out.push(...handle(e));
      } catch (err) {
        if (out.length === 0) throw err;
        this.pending = err;
        this.failed = true;
        break;
      }
    }
    return out;
  }

  /** Throws the error held back by `run`, if any. */
  rethrow(): void {
    if (this.failed) throw this.pending;
  }
}
