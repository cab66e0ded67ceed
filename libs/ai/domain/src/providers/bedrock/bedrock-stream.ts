import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { ChatChunk } from '../../canonical';
import { ProviderTarget, StreamDecoder } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { ChunkBuilder, localId } from '../support/chunk-builder';
import { FailureAfterChunks } from '../support/failure-after-chunks';
import { upstreamError } from '../support/upstream-status';
import { JsonObject, num, obj, parseObject, str } from '../support/wire-json';
import { bedrockKind, errorTypeName } from './bedrock-error';
import { bedrockFinish, bedrockUsage } from './bedrock-response';

interface EventMessage {
  headers: Record<string, string>;
  body: JsonObject;
}

/**
 * Splits `application/vnd.amazon.eventstream` bytes into messages (each starts with its total
 * length, big-endian) and decodes each with the smithy codec, which checks both CRCs.
 */
export class EventStreamFrames {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private buffer = new Uint8Array(0);

  /** The messages completed by these bytes; a corrupt one ends the list as an error (the stream is unusable after it). */
  push(bytes: Uint8Array): (EventMessage | UpstreamError)[] {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    const out: (EventMessage | UpstreamError)[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const length = new DataView(joined.buffer, joined.byteOffset + at, 4).getUint32(0, false);
      if (length < 16) {
        out.push(new UpstreamError('protocol', 'bedrock: an event stream message is shorter than its prelude'));
        break;
      }
      if (joined.length - at < length) break;
      try {
        out.push(this.decode(joined.subarray(at, at + length)));
      } catch (e) {
        out.push(e instanceof UpstreamError ? e : new UpstreamError('protocol', 'bedrock: an event stream message is unreadable'));
        break;
      }
      at += length;
    }
    this.buffer = joined.slice(at);
    return out;
  }

  /** Bytes left over when the stream closed: a message cut off. */
  get pending(): number {
    return this.buffer.length;
  }

  private decode(frame: Uint8Array): EventMessage {
    let message;
    try {
      message = this.codec.decode(frame);
    } catch (e) {
      throw new UpstreamError('protocol', `bedrock: an event stream message is corrupt (${(e as Error).message})`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers)) headers[k] = String(v.value);
    const text = toUtf8(message.body);
    return { headers, body: text ? parseObject(text, 'bedrock') : {} };
  }
}

/**
 * ConverseStream: messageStart, then per content block contentBlockStart (tool use) /
 * contentBlockDelta (text or tool input JSON) / contentBlockStop, messageStop (stop reason), and
 * metadata (usage) last. Exceptions arrive as `:message-type: exception` messages.
 */
export class BedrockStreamDecoder implements StreamDecoder<ChatChunk> {
  private readonly frames = new EventStreamFrames();
  private readonly failure = new FailureAfterChunks();
  private readonly out: ChunkBuilder;
  private readonly toolIndex = new Map<number, number>();
  private started = false;
  private stopped = false;
  private done = false;

  constructor(target: ProviderTarget) {
    this.out = new ChunkBuilder(localId('bedrock'), target.model);
  }

  push(bytes: Uint8Array): ChatChunk[] {
    this.failure.rethrow();
    return this.failure.run(this.frames.push(bytes), (m) => {
      if (m instanceof UpstreamError) throw m;
      return this.message(m);
    });
  }

  end(): ChatChunk[] {
    this.failure.rethrow();
    if (this.frames.pending > 0) throw new UpstreamError('protocol', 'bedrock: the stream ended inside an event stream message');
    // metadata (usage) follows messageStop; a stream cut between them lost only its counts
    if (!this.stopped) throw new UpstreamError('protocol', 'bedrock: the stream ended before messageStop');
    return [];
  }

  private message(m: EventMessage): ChatChunk[] {
    const kind = m.headers[':message-type'];
    if (kind === 'exception' || kind === 'error') {
      const type = errorTypeName(m.headers[':exception-type'] ?? m.headers[':error-code']);
      const message = str(m.body.message) ?? str(m.body.Message) ?? m.headers[':error-message'] ?? type;
      throw upstreamError('bedrock', bedrockKind(type, undefined, message), undefined, message);
    }
    if (this.done) return [];
    const type = m.headers[':event-type'];
    if (type !== 'messageStart' && !this.started) throw new UpstreamError('protocol', `bedrock: ${type} before messageStart`);
    switch (type) {
      case 'messageStart':
        this.started = true;
        return [this.out.role()];
      case 'contentBlockStart': {
        const use = obj(obj(m.body.start).toolUse);
        if (typeof use.name !== 'string') return [];
        const index = this.toolIndex.size;
        this.toolIndex.set(num(m.body.contentBlockIndex) ?? -1, index);
        return [this.out.toolStart(index, str(use.toolUseId) ?? localId('tooluse'), use.name)];
      }
      case 'contentBlockDelta': {
        const delta = obj(m.body.delta);
        if (typeof delta.text === 'string') return delta.text ? [this.out.text(delta.text)] : [];
        const input = str(obj(delta.toolUse).input);
        if (input === undefined) return []; // reasoning content and later kinds
        const index = this.toolIndex.get(num(m.body.contentBlockIndex) ?? -1);
        if (index === undefined) throw new UpstreamError('protocol', 'bedrock: tool input for a block that is not a tool use');
        return input ? [this.out.toolArgs(index, input)] : [];
      }
      case 'messageStop':
        this.stopped = true;
        return [this.out.finish(bedrockFinish(str(m.body.stopReason)) ?? 'stop')];
      case 'metadata':
        this.done = true;
        return [this.out.usage(bedrockUsage(obj(m.body.usage)))];
      default:
        return []; // contentBlockStop and event types added later
    }
  }
}
