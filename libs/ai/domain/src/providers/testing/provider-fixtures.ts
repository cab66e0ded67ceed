import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderAdapter, StreamDecoder, UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';

// Test helpers for the provider specs: wire fixtures live in libs/ai/domain/testdata/<provider>/.
const TESTDATA = join(__dirname, '../../../testdata');

export function fixtureBytes(provider: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TESTDATA, provider, name)));
}

export function fixtureText(provider: string, name: string): string {
  return readFileSync(join(TESTDATA, provider, name), 'utf8');
}

export function fixtureJson<T = unknown>(provider: string, name: string): T {
  return JSON.parse(fixtureText(provider, name)) as T;
}

/** `created` is the decoding time; fixtures leave it out. */
export function withoutCreated<T extends object>(items: T[]): Omit<T, 'created'>[] {
  return items.map((i) => {
    const { created: _created, ...rest } = i as T & { created?: number };
    return rest;
  });
}

/** Decode `bytes` fed in the pieces that `cuts` (offsets) make; errors thrown are returned. */
export function decodeInPieces<T>(decoder: StreamDecoder<T>, bytes: Uint8Array, cuts: number[]): { items: T[]; error?: unknown } {
  const items: T[] = [];
  let from = 0;
  try {
    for (const cut of [...cuts, bytes.length]) {
      items.push(...decoder.push(bytes.slice(from, cut)));
      from = cut;
    }
    items.push(...decoder.end());
    return { items };
  } catch (error) {
    return { items, error };
  }
}

/** Every two-piece split of the stream, and three-piece splits from every fifth offset, all decoding the same (binary streams too). */
export function expectSameAtEverySplit<T>(makeDecoder: () => StreamDecoder<T>, bytes: Uint8Array): { items: T[]; error?: unknown } {
  const whole = decodeInPieces(makeDecoder(), bytes, []);
  // ids a decoder makes up (Bedrock sends none) differ per decoder; fixed ones are checked on `whole`
  const norm = (r: { items: T[]; error?: unknown }) => ({ items: withoutCreated(r.items as object[]).map(({ id: _id, ...rest }: { id?: unknown }) => rest), error: describe(r.error) });
  const expected = norm(whole);
  for (let cut = 1; cut < bytes.length; cut++) {
    expect(norm(decodeInPieces(makeDecoder(), bytes, [cut]))).toEqual(expected);
    // three-piece splits on a sample of offsets keep the run short on a shared machine
    const second = cut + Math.max(1, Math.floor((bytes.length - cut) / 3));
    if (cut % 5 === 0 && second < bytes.length) expect(norm(decodeInPieces(makeDecoder(), bytes, [cut, second]))).toEqual(expected);
  }
  return whole;
}

function describe(e: unknown): string | undefined {
  if (e === undefined) return undefined;
  return e instanceof UpstreamError ? `${e.kind}:${e.message}` : String(e);
}

export interface ErrorCase {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  kind: string;
  retryAfterMs?: number;
}

/** Each recorded error reply classified as its fixture says. */
export function expectErrorCases(adapter: ProviderAdapter, cases: ErrorCase[]): void {
  for (const c of cases) {
    const reply: UpstreamReply = { status: c.status, headers: c.headers ?? {}, body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body) };
    const e = adapter.error(reply);
    expect({ status: c.status, kind: e.kind, upstreamStatus: e.upstreamStatus, retryAfterMs: e.retryAfterMs }).toEqual({
      status: c.status,
      kind: c.kind,
      upstreamStatus: c.status,
      retryAfterMs: c.retryAfterMs,
    });
    expect(e.message).toMatch(new RegExp(`^${adapter.name}: `));
  }
}

export const okReply = (body: string, headers: Record<string, string> = {}): UpstreamReply => ({ status: 200, headers, body });
