/** One Server-Sent Event: `event` defaults to "message" as in the HTML spec. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Incremental SSE parser (the WHATWG event-stream grammar): bytes in any split, CRLF/LF/CR line
 * ends, multi-line `data`, comments and `retry` ignored. Multi-byte UTF-8 characters split across
 * pushes are kept whole by a streaming TextDecoder.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private sawField = false;

  push(bytes: Uint8Array | string): SseEvent[] {
    this.buffer += typeof bytes === 'string' ? bytes : this.decoder.decode(bytes, { stream: true });
    return this.drain(false);
  }

  /** The events still buffered when the stream closed (a final event without its blank line is dispatched). */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.buffer);
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (!m || (m[0] === '\r' && m.index === this.buffer.length - 1 && !final)) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line, out);
    }
    if (final) {
      if (this.buffer) this.line(this.buffer, out);
      this.buffer = '';
      this.line('', out);
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.sawField && this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) });
      this.event = '';
      this.data = [];
      this.sawField = false;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.sawField = true;
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}

/** One event on the wire. `data` lines are split so a newline in the payload cannot end the event early. */
export function formatSse(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : '';
  return `${head}${data
    .split(/\r\n|\n|\r/)
    .map((l) => `data: ${l}`)
    .join('\n')}\n\n`;
}
