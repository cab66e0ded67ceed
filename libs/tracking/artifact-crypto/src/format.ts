import { createHash } from 'node:crypto';
import { assertKeyId, encodeIdentity, isKeyId } from '@custos/crypto';
import { ArtifactIntegrityError } from './errors';

/*
 * Stored object layout, version 1 (all integers big-endian):
 *
 *   header  magic "CART" (4) | version = 1 (1) | flags = 0 (1) | chunk size (u32) |
 *           nonce prefix (8) | key id length (u8) | key id (UTF-8, 1..64 bytes)
 *   frames  final flag (u8: 0 more follow, 1 last) | ciphertext length (u32) |
 *           ciphertext (= plaintext length) | GCM tag (16)
 *
 * Every non-final frame carries exactly `chunk size` bytes; the final frame carries the rest
 * (0..chunk size), so an object of n bytes has floor(n / chunk size) + 1 frames. Chunk i is sealed
 * with AES-256-GCM under the object's data key, nonce = nonce prefix || i (u32), and associated
 * data = SHA-256(domain || header || identity) || final flag. The header therefore authenticates
 * with the first chunk, and the identity (which object this is) with every chunk.
 *
 * The key id in the header names the master key that wrapped the data key when the object was
 * written. After a rotation the key record names the current one; the header is never rewritten.
 */

export const MAGIC = Buffer.from('CART', 'ascii');
export const FORMAT_VERSION = 1;
/** 256 KiB: Node pays a fixed cost per GCM context, so 64 KiB chunks ran at half the speed of 256 KiB ones. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
/** Bounds what a decryptor buffers per frame, whatever a (forged) header claims. */
export const MIN_CHUNK_SIZE = 16;
export const MAX_CHUNK_SIZE = 1024 * 1024;
export const NONCE_PREFIX_BYTES = 8;
export const TAG_BYTES = 16;
export const FRAME_HEADER_BYTES = 5;
export const FIXED_HEADER_BYTES = 4 + 1 + 1 + 4 + NONCE_PREFIX_BYTES + 1;
/** The chunk counter is 32 bits; one more chunk would reuse a nonce. */
export const MAX_CHUNKS = 0xffffffff;

const AAD_DOMAIN = Buffer.from('custos/artifact/v1\0', 'ascii');

export interface ObjectHeader {
  version: number;
  chunkSize: number;
  noncePrefix: Buffer;
  keyId: string;
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`);
  }
}

export function encodeHeader(h: ObjectHeader): Buffer {
  assertKeyId(h.keyId);
  assertChunkSize(h.chunkSize);
  if (h.noncePrefix.length !== NONCE_PREFIX_BYTES) throw new RangeError('nonce prefix must be 8 bytes');
  const kid = Buffer.from(h.keyId, 'utf8');
  const out = Buffer.alloc(FIXED_HEADER_BYTES + kid.length);
  MAGIC.copy(out, 0);
  out.writeUInt8(h.version, 4);
  out.writeUInt8(0, 5);
  out.writeUInt32BE(h.chunkSize, 6);
  h.noncePrefix.copy(out, 10);
  out.writeUInt8(kid.length, 18);
  kid.copy(out, FIXED_HEADER_BYTES);
  return out;
}

/** Parses the fixed part; returns the header minus the key id and how many key-id bytes follow. */
export function decodeFixedHeader(fixed: Buffer): { version: number; chunkSize: number; noncePrefix: Buffer; keyIdLength: number } {
  if (!fixed.subarray(0, 4).equals(MAGIC)) throw new ArtifactIntegrityError('bad-header', 'not an encrypted artifact (bad magic)');
  const version = fixed.readUInt8(4);
  if (version !== FORMAT_VERSION) throw new ArtifactIntegrityError('unsupported-version', `unsupported format version ${version}`);
  if (fixed.readUInt8(5) !== 0) throw new ArtifactIntegrityError('bad-header', 'unknown header flags');
  const chunkSize = fixed.readUInt32BE(6);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new ArtifactIntegrityError('bad-header', `chunk size ${chunkSize} out of range`);
  const keyIdLength = fixed.readUInt8(18);
  if (keyIdLength < 1 || keyIdLength > 64) throw new ArtifactIntegrityError('bad-header', 'bad key id length');
  return { version, chunkSize, noncePrefix: Buffer.from(fixed.subarray(10, 18)), keyIdLength };
}

export function decodeKeyId(bytes: Buffer): string {
  const keyId = bytes.toString('utf8');
  if (!isKeyId(keyId)) throw new ArtifactIntegrityError('bad-header', 'bad key id');
  return keyId;
}

/** The per-object part of every chunk's associated data. */
export function objectAad(header: Buffer, identity: readonly string[]): Buffer {
  return createHash('sha256').update(AAD_DOMAIN).update(header).update(encodeIdentity(identity)).digest();
}

export function chunkAad(objectDigest: Buffer, final: boolean): Buffer {
  const out = Buffer.alloc(objectDigest.length + 1);
  objectDigest.copy(out);
  out[objectDigest.length] = final ? 1 : 0;
  return out;
}

export function chunkNonce(prefix: Buffer, index: number): Buffer {
  if (index > MAX_CHUNKS) throw new ArtifactIntegrityError('too-many-chunks', 'object exceeds the maximum number of chunks');
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  return nonce;
}

/** Stored size of an object of `plaintextBytes`, so uploads of known length can size their parts. */
export function encryptedSize(plaintextBytes: number, keyId: string, chunkSize = DEFAULT_CHUNK_SIZE): number {
  assertChunkSize(chunkSize);
  const frames = Math.floor(plaintextBytes / chunkSize) + 1;
  return FIXED_HEADER_BYTES + Buffer.byteLength(keyId, 'utf8') + frames * (FRAME_HEADER_BYTES + TAG_BYTES) + plaintextBytes;
}
