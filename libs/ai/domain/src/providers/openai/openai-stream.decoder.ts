import { StreamDecoder } from '../../provider-adapter';
import { SseParser } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { streamErrorFrom } from '../shared/error-body';
import { isObject, WireObject } from '../shared/wire-json';

export interface OpenAiStreamOptions<T> {
  /** the provider's name, for messages */
  provider: string;
  /** one data payload into zero or one canonical chunk; may throw an UpstreamError */
  chunk(body: WireObject): T | undefined;
  /**
   * OpenAI ends every stream with `data: [DONE]`; without it the stream was cut. Servers that may
   * omit it are accepted once every choice reported a finish reason.
   */
  requireDone: boolean;
}

/** The SSE stream of an OpenAI-dialect server: `data:` JSON chunks, an error object as a chunk, `[DONE]` last. */
export class OpenAiStreamDecoder<T> implements StreamDecoder<T> {
  private readonly sse = new SseParser();
  private done = false;
  /** per choice index: whether it reported a finish reason (n > 1 streams interleave choices) */
  private readonly choices = new Map<number, boolean>();

  constructor(private readonly o: OpenAiStreamOptions<T>) {}

  push(bytes: Uint8Array): T[] {
    return this.handle(this.sse.push(bytes).map((e) => e.data));
  }

  end(): T[] {
    const out = this.handle(this.sse.end().map((e) => e.data));
    if (!this.done && !(!this.o.requireDone && this.allFinished())) throw new UpstreamError('protocol', `${this.o.provider} stream ended before it was complete`);
    return out;
  }

  private track(choices: unknown): void {
    if (!Array.isArray(choices)) return;
    choices.forEach((c: unknown, i) => {
      if (!isObject(c)) return;
      const index = typeof c['index'] === 'number' ? c['index'] : i;
      this.choices.set(index, this.choices.get(index) === true || typeof c['finish_reason'] === 'string');
    });
  }

  private allFinished(): boolean {
    return this.choices.size > 0 && [...this.choices.values()].every(Boolean);
  }

  private handle(payloads: string[]): T[] {
    const out: T[] = [];
    for (const data of payloads) {
      if (this.done) continue;
      if (data.trim() === '[DONE]') {
        this.done = true;
        continue;
      }
      let body: unknown;
      try {
        body = JSON.parse(data);
      } catch {
        throw new UpstreamError('protocol', `${this.o.provider} stream carried a chunk that is not JSON`);
      }
      if (!isObject(body)) throw new UpstreamError('protocol', `${this.o.provider} stream carried a chunk that is not an object`);
      if ((body['error'] !== undefined && body['error'] !== null) || body['object'] === 'error') throw streamErrorFrom(body, this.o.provider);
      this.track(body['choices']);
      const chunk = this.o.chunk(body);
      if (chunk !== undefined) out.push(chunk);
    }
    return out;
  }
}
