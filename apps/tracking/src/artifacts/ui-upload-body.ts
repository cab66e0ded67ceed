import { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { TrackingError } from '@custos/tracking-domain';

/** MLflow's limit for a file uploaded from its web UI. */
export const UI_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const UI_UPLOAD_TOO_LARGE = 'Artifact size is too large. Max size is 10MB.';
export const UI_UPLOAD_NO_DATA = 'Request must specify data.';

type UploadRequest = Readable & { headers: IncomingHttpHeaders };

/**
 * The body of a UI upload (`upload-artifact`) as it arrives, for the encrypting upload to read chunk
 * by chunk like the proxy's PUT, refused as MLflow refuses it: by the declared length before
 * anything is read, past the limit by the bytes that arrive (so a chunked body cannot slip past),
 * and when empty. A refusal fails this stream, which aborts the upload; it is kept in `refusal` so
 * the caller answers MLflow's error whatever the aborted upload reports.
 *
 * The request itself is never destroyed: once this stream stops (a refusal, a failed upload), the
 * rest of the request is read and dropped, so the answer still reaches the caller.
 */
export class UiUploadBody extends Readable {
  refusal?: TrackingError;
  private size = 0;

  private constructor(private readonly req: UploadRequest) {
    super();
    req.on('data', (chunk: Buffer) => this.arrived(chunk));
    req.on('end', () => this.ended());
    req.on('error', (e) => this.destroy(e));
    // It may fail before the upload starts reading it (an empty body ends at once); the failure
    // still reaches the upload, which sees a failed stream, and the caller through `refusal`.
    this.on('error', () => undefined);
  }

  /** Throws MLflow's refusal when the declared length is over the limit. */
  static of(req: UploadRequest): UiUploadBody {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > UI_UPLOAD_MAX_BYTES) throw TrackingError.invalidParameter(UI_UPLOAD_TOO_LARGE);
    return new UiUploadBody(req);
  }

  override _read(): void {
    this.req.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.req.resume();
    callback(error);
  }

  private arrived(chunk: Buffer): void {
    if (this.destroyed) return;
    this.size += chunk.length;
    if (this.size > UI_UPLOAD_MAX_BYTES) this.refuse(UI_UPLOAD_TOO_LARGE);
    else if (!this.push(chunk)) this.req.pause();
  }

  private ended(): void {
    if (this.destroyed) return;
    if (this.size === 0) this.refuse(UI_UPLOAD_NO_DATA);
    else this.push(null);
  }

  private refuse(message: string): void {
    this.refusal = TrackingError.invalidParameter(message);
    this.destroy(this.refusal);
  }
}
