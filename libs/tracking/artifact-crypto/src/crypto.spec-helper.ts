import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DecryptStream } from './decrypt-stream';
import { EncryptStream } from './encrypt-stream';
import { FIXED_HEADER_BYTES, FRAME_HEADER_BYTES, TAG_BYTES } from './format';

export const KEY = Buffer.alloc(32, 7);
export const IDENTITY = ['obj-1', '1/run/artifacts/model.bin'];

/** Feeds `data` to a stream in pieces of the given sizes (cycled), to exercise every split. */
export function pieces(data: Buffer, sizes: number[] = [data.length || 1]): Readable {
  const out: Buffer[] = [];
  let i = 0;
  for (let off = 0; off < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return Readable.from(out, { objectMode: false });
}

export async function encrypt(plain: Buffer, opts: { chunkSize?: number; key?: Buffer; identity?: string[]; keyId?: string; split?: number[] } = {}): Promise<Buffer> {
  const enc = new EncryptStream({ dataKey: opts.key ?? KEY, keyId: opts.keyId ?? 'k1', identity: opts.identity ?? IDENTITY, chunkSize: opts.chunkSize });
  const out: Buffer[] = [];
  enc.on('data', (b: Buffer) => out.push(b));
  await pipeline(pieces(plain, opts.split), enc);
  return Buffer.concat(out);
}

export interface Decrypted {
  /** Everything the stream emitted, including before an error. */
  output: Buffer;
  error?: Error & { reason?: string; chunkIndex?: number };
}

export async function decrypt(stored: Buffer, opts: { key?: Buffer; identity?: string[]; split?: number[] } = {}): Promise<Decrypted> {
  const dec = new DecryptStream({ dataKey: opts.key ?? KEY, identity: opts.identity ?? IDENTITY });
  const out: Buffer[] = [];
  dec.on('data', (b: Buffer) => out.push(Buffer.from(b)));
  try {
    await pipeline(pieces(stored, opts.split), dec);
    return { output: Buffer.concat(out) };
  } catch (e) {
    return { output: Buffer.concat(out), error: e as Decrypted['error'] };
  }
}

export interface Parsed {
  header: Buffer;
  frames: Buffer[];
}

/** Splits a stored object into its header and whole frames, for tampering. */
export function parse(stored: Buffer): Parsed {
  const headerLen = FIXED_HEADER_BYTES + stored.readUInt8(FIXED_HEADER_BYTES - 1);
  const frames: Buffer[] = [];
  let off = headerLen;
  while (off < stored.length) {
    const len = stored.readUInt32BE(off + 1);
    const end = off + FRAME_HEADER_BYTES + len + TAG_BYTES;
    frames.push(Buffer.from(stored.subarray(off, end)));
    off = end;
  }
  return { header: Buffer.from(stored.subarray(0, headerLen)), frames };
}

export function join(p: Parsed): Buffer {
  return Buffer.concat([p.header, ...p.frames]);
}

export function flipBit(b: Buffer, byte: number, bit = 0): Buffer {
  const c = Buffer.from(b);
  c[byte] ^= 1 << bit;
  return c;
}

export function random(n: number): Buffer {
  return randomBytes(n);
}
