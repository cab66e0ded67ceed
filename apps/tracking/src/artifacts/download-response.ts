import { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger } from 'pino';
import { ArtifactIntegrityError, DecryptStream } from '@custos/artifact-crypto';
import { ArtifactLocation } from './artifact-path';
import { integrityFailure } from './artifact-errors';
import { ArtifactRecord } from './artifact-records';
import { baseName, contentDisposition, guessContentType } from './content-type';

/** What a download (and a HEAD of it) answers with: the file's type and size, never rendered inline. */
export function artifactHeaders(loc: ArtifactLocation, record: ArtifactRecord): Record<string, string> {
  return {
    'Content-Type': guessContentType(loc.path),
    'Content-Length': record.size,
    'Content-Disposition': contentDisposition(baseName(loc.path)),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

/**
 * Answers a HEAD from the artifact's record alone: the same headers as the download, without
 * reading or decrypting the object and without recording a read (no byte of it is sent).
 */
export function sendArtifactHeaders(res: Response, loc: ArtifactLocation, record: ArtifactRecord): void {
  res.status(200).set(artifactHeaders(loc, record)).end();
}

/**
 * Sends verified plaintext. The first chunk is verified before the status line goes out, so a
 * small artifact (one chunk) that fails answers a proper DATA_LOSS error. Past that point the
 * status is sent; a later failure aborts the connection short of Content-Length, which every HTTP
 * client reports as an error. No unverified byte is written either way.
 */
export async function sendArtifact(res: Response, loc: ArtifactLocation, record: ArtifactRecord, plaintext: DecryptStream, logger: Logger): Promise<void> {
  const it = plaintext[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    plaintext.destroy();
    if (e instanceof ArtifactIntegrityError) {
      logger.error({ path: loc.path, objectKey: record.object_key, reason: e.reason, chunk: e.chunkIndex }, 'artifact failed verification');
      throw integrityFailure(loc, e);
    }
    throw e;
  }
  res.status(200).set(artifactHeaders(loc, record));
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.done) return;
    yield first.value;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  try {
    await pipeline(Readable.from(rest()), res);
  } catch (e) {
    plaintext.destroy();
    if (e instanceof ArtifactIntegrityError) {
      logger.error({ path: loc.path, objectKey: record.object_key, reason: e.reason, chunk: e.chunkIndex }, 'artifact failed verification mid-download; connection aborted');
    } else {
      logger.debug({ path: loc.path, err: (e as Error).message }, 'artifact download ended early');
    }
    res.destroy();
  }
}
