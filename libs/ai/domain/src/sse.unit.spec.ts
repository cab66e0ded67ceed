import { formatSse, SseParser } from './sse';

describe('SseParser', () => {
  it('parses events split at any byte, including inside a multi-byte character', () => {
    const wire = new TextEncoder().encode('event: delta\ndata: {"t":"héllo"}\n\n: keep-alive\n\ndata: a\ndata: b\r\n\r\ndata: [DONE]\n\n');
    for (let cut = 1; cut < wire.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(wire.slice(0, cut)), ...p.push(wire.slice(cut)), ...p.end()];
      expect(events).toEqual([
        { event: 'delta', data: '{"t":"héllo"}' },
        { event: 'message', data: 'a\nb' },
        { event: 'message', data: '[DONE]' },
      ]);
    }
  });

  it('dispatches a last event that lacks its blank line when the stream ends', () => {
    const p = new SseParser();
    expect(p.push('data: x')).toEqual([]);
    expect(p.end()).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('formats payloads with newlines as several data lines that parse back whole', () => {
    const wire = formatSse('one\ntwo', 'message_delta');
    expect(wire).toBe('event: message_delta\ndata: one\ndata: two\n\n');
    expect(new SseParser().push(wire)).toEqual([{ event: 'message_delta', data: 'one\ntwo' }]);
  });
});
