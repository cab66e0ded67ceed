/**
 * Part buffers kept between uploads. A fresh 8 MiB buffer per part buffer per upload lives as long
 * as its upload, so V8 promotes it and only a full mark-compact frees it: a stream of uploads then
 * pays several mark-compacts each. Keeping a few idle buffers makes an everyday upload allocate
 * nothing. Only the common size is kept (larger parts belong to rare, huge objects), and at most
 * `keep` of them, so idle memory is bounded. Buffers hold ciphertext only and are overwritten
 * before use (a part is sent as `subarray(0, filled)`).
 */
export class PartBuffers {
  private readonly idle: Buffer[] = [];

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  take(size: number): Buffer {
    return (size === this.size && this.idle.pop()) || Buffer.allocUnsafe(size);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.idle.length < this.keep) this.idle.push(buffer);
  }

  get idleCount(): number {
    return this.idle.length;
  }
}
