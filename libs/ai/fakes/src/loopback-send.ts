import { StreamDecoder, UpstreamError, UpstreamRequest } from '@custos/ai-domain';
import { request } from 'undici';

/**
 * Test-side sending of an adapter's request over loopback with undici, as the pipeline would: a
 * stream fed to the adapter's decoder as the bytes arrive. A connection that breaks mid-stream
 * ends the decoder, which reports the stream as incomplete.
 */
export async function sendStream<T>(req: UpstreamRequest, decoder: StreamDecoder<T>): Promise<{ status: number; chunks: T[] }> {
  const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body });
  const chunks: T[] = [];
  let broken = false;
  try {
    for await (const part of res.body) chunks.push(...decoder.push(part as Uint8Array));
  } catch (e) {
    if (e instanceof UpstreamError) throw e;
    broken = true;
  }
  const tail = decoder.end();
  // A break the decoder accepted as complete would be a bug in the decoder: say so.
  if (broken) throw new Error('the connection broke but the decoder accepted the stream as complete');
  chunks.push(...tail);
  return { status: res.statusCode, chunks };
}

/** A reply as the call pipeline would hand it to an adapter, plus the raw bytes for stream decoders. */
export interface LoopbackReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  bytes: Uint8Array;
}

/**
 * Send an adapter's upstream request to a fake over loopback and read the reply whole (tests only).
 * undici, as the gateway sends, so a signed `host` header goes out as signed.
 */
export async function sendOverLoopback(req: UpstreamRequest): Promise<LoopbackReply> {
  const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body });
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
  return { status: res.statusCode, headers, body: new TextDecoder().decode(bytes), bytes };
}
