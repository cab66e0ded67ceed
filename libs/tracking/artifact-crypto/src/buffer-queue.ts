/**
 * Bytes received but not yet consumed, kept as the stream delivered them. `take(n)` copies only
 * the `n` bytes it returns (`takeViews(n)` none), so parsing frames out of many small reads stays
 * linear.
 */
export class BufferQueue {
  private readonly parts: Buffer[] = [];
  private head = 0;
  length = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }

  /** Removes and returns the first `n` bytes; the caller checks `length >= n` first. */
  take(n: number): Buffer {
    if (n > this.length) throw new RangeError(`take(${n}) with ${this.length} buffered`);
    const first = this.parts[0];
    if (first && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const part = this.parts[0];
      const available = part.length - this.head;
      const count = Math.min(available, n - filled);
      part.copy(out, filled, this.head, this.head + count);
      filled += count;
      this.advance(count);
    }
    return out;
  }

  /** Removes the first `n` bytes and returns them as views of the buffers they arrived in (no copy). */
  takeViews(n: number): Buffer[] {
    if (n > this.length) throw new RangeError(`takeViews(${n}) with ${this.length} buffered`);
    const out: Buffer[] = [];
    while (n > 0) {
      const part = this.parts[0];
      const count = Math.min(part.length - this.head, n);
      out.push(this.head === 0 && count === part.length ? part : part.subarray(this.head, this.head + count));
      this.advance(count);
      n -= count;
    }
    return out;
  }

  private advance(n: number): void {
    this.head += n;
    this.length -= n;
    while (this.parts.length > 0 && this.head >= this.parts[0].length) {
      this.head -= this.parts[0].length;
      this.parts.shift();
    }
  }
}
