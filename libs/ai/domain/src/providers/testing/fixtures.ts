import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamDecoder, UpstreamReply } from '../../provider-adapter';

/** Test-only helpers over libs/ai/domain/testdata/<provider>/: wire fixtures written from the providers' API references. */
const ROOT = join(__dirname, '..', '..', '..', 'testdata');

export function fixtureText(provider: string, name: string): string {
  return readFileSync(join(ROOT, provider, name), 'utf8');
}

export function fixtureJson<T = unknown>(provider: string, name: string): T {
  return JSON.parse(fixtureText(provider, name)) as T;
}

/** A 200 reply carrying a fixture body, as the pipeline would hand it to `response`. */
export function okReply(provider: string, name: string): UpstreamReply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: fixtureText(provider, name) };
}

/** One scripted provider error: the reply as sent and the kind it must be classified as. */
export interface ErrorCase {
  name: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  kind: string;
  retryAfterMs?: number;
  /** text the classified error's message must contain */
  message?: string;
}

export function errorCases(provider: string): ErrorCase[] {
  return fixtureJson<ErrorCase[]>(provider, 'errors.json');
}

export function errorReply(c: ErrorCase): UpstreamReply {
  return { status: c.status, headers: c.headers, body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) };
}

/**
 * Ways to cut a byte stream: single bytes (splitting every multi-byte character and every CRLF),
 * a few fixed sizes, and seeded pseudo-random cuts, so a decoder is shown not to depend on where
 * the network happened to split its reads.
 */
export function splits(bytes: Uint8Array): { name: string; parts: Uint8Array[] }[] {
  const fixed = [1, 2, 3, 5, 17, 64].map((n) => ({ name: `every ${n} bytes`, parts: cut(bytes, () => n) }));
  let seed = 0x2f6b;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return 1 + (seed % 40);
  };
  const seeded = [0, 1, 2].map((i) => ({ name: `random cuts #${i}`, parts: cut(bytes, random) }));
  return [{ name: 'whole', parts: [bytes] }, ...fixed, ...seeded];
}

function cut(bytes: Uint8Array, size: () => number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = size();
    parts.push(bytes.subarray(i, i + n));
    i += n;
  }
  return parts;
}

/** Feed the parts to a fresh decoder and collect everything it yields, `end()` included. */
export function decodeAll<T>(decoder: StreamDecoder<T>, parts: Uint8Array[]): T[] {
  const out: T[] = [];
  for (const p of parts) out.push(...decoder.push(p));
  out.push(...decoder.end());
  return out;
}

export function sseBytes(provider: string, name: string): Uint8Array {
  return new TextEncoder().encode(fixtureText(provider, name));
}

/** What a call threw (undefined when it returned), for asserting on an UpstreamError's fields. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
