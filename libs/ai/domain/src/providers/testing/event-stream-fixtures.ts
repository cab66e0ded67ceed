import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** One event-stream message as the Bedrock fixtures describe it: an event, or an exception. */
export interface EventFixture {
  type?: string;
  exception?: string;
  body: unknown;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

/** The binary `application/vnd.amazon.eventstream` bytes of the described messages. */
export function encodeEventStream(events: EventFixture[]): Uint8Array {
  const frames = events.map((e) =>
    codec.encode({
      headers: e.exception
        ? { ':message-type': str('exception'), ':exception-type': str(e.exception), ':content-type': str('application/json') }
        : { ':message-type': str('event'), ':event-type': str(e.type ?? ''), ':content-type': str('application/json') },
      body: fromUtf8(JSON.stringify(e.body)),
    }),
  );
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
