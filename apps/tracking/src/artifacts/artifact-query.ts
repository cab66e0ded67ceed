import { Request } from 'express';
import { Readable } from 'node:stream';
import { TrackingError } from '@custos/tracking-domain';

/**
 * One query parameter as MLflow's handlers read it (`request.args.get`): the first value when it is
 * repeated, undefined when absent. These routes take their input from the query even on POST
 * (`upload-artifact`), where the body is the file.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

/** MLflow's limit for a file uploaded from its web UI. */
export const UI_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
const TOO_LARGE = 'Artifact size is too large. Max size is 10MB.';

/**
 * The body of a UI upload, refused past the limit as MLflow refuses it: by the declared length
 * before reading, and by the bytes that arrive, so a chunked body cannot slip past. Past the limit
 * the rest is read and dropped (not destroyed), so the 400 still reaches the caller.
 */
export function readUploadBody(req: Readable & Pick<Request, 'headers'>): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > UI_UPLOAD_MAX_BYTES) return Promise.reject(TrackingError.invalidParameter(TOO_LARGE));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > UI_UPLOAD_MAX_BYTES) return;
      size += chunk.length;
      if (size > UI_UPLOAD_MAX_BYTES) reject(TrackingError.invalidParameter(TOO_LARGE));
      else parts.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size === 0) reject(TrackingError.invalidParameter('Request must specify data.'));
      else if (size <= UI_UPLOAD_MAX_BYTES) resolve(Buffer.concat(parts, size));
    });
  });
}
