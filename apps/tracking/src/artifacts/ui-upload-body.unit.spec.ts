import { IncomingHttpHeaders } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { UI_UPLOAD_MAX_BYTES, UI_UPLOAD_NO_DATA, UI_UPLOAD_TOO_LARGE, UiUploadBody } from './ui-upload-body';

/** A request body the test writes piece by piece. */
function request(headers: IncomingHttpHeaders = {}): PassThrough & { headers: IncomingHttpHeaders } {
  return Object.assign(new PassThrough(), { headers });
}

/** Everything `body` yields, piece by piece, or the error it fails with. */
async function drain(body: Readable): Promise<{ pieces: Buffer[]; error?: Error }> {
  const pieces: Buffer[] = [];
  try {
    for await (const b of body) pieces.push(b as Buffer);
    return { pieces };
  } catch (e) {
    return { pieces, error: e as Error };
  }
}

describe('UiUploadBody: a UI upload streamed, refused as MLflow refuses it', () => {
  it('hands on the body piece by piece as it arrives', async () => {
    const req = request();
    const body = UiUploadBody.of(req);
    const read = drain(body);
    const pieces = [Buffer.alloc(1000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(5, 3)];
    for (const p of pieces) req.write(p);
    req.end();
    const { pieces: out, error } = await read;
    expect(error).toBeUndefined();
    expect(Buffer.concat(out)).toEqual(Buffer.concat(pieces));
    expect(out.length).toBeGreaterThan(1);
  });

  it('refuses a declared length over the limit before reading anything', () => {
    expect(() => UiUploadBody.of(request({ 'content-length': String(UI_UPLOAD_MAX_BYTES + 1) }))).toThrow(UI_UPLOAD_TOO_LARGE);
    expect(() => UiUploadBody.of(request({ 'content-length': String(UI_UPLOAD_MAX_BYTES) }))).not.toThrow();
  });

  it('refuses past the limit by the bytes that arrive, and reads the rest of the request without destroying it', async () => {
    const req = request();
    const body = UiUploadBody.of(req);
    const read = drain(body);
    const reqEnded = once(req, 'end');
    for (let i = 0; i < 11; i++) req.write(Buffer.alloc(1024 * 1024, 1));
    req.end();
    const { pieces, error } = await read;
    expect(error?.message).toBe(UI_UPLOAD_TOO_LARGE);
    expect(body.refusal?.code).toBe('INVALID_PARAMETER_VALUE');
    expect(Buffer.concat(pieces).length).toBeLessThanOrEqual(UI_UPLOAD_MAX_BYTES);
    await reqEnded;
  });

  it('refuses an empty body with MLflow\'s "Request must specify data."', async () => {
    const req = request();
    const body = UiUploadBody.of(req);
    const read = drain(body);
    req.end();
    expect((await read).error?.message).toBe(UI_UPLOAD_NO_DATA);
    expect(body.refusal?.message).toBe(UI_UPLOAD_NO_DATA);
  });

  it('when the upload stops reading (a failed store), the rest of the request is still read and dropped', async () => {
    const req = request();
    const body = UiUploadBody.of(req);
    const failed = once(body, 'error');
    // More than the stream holds unread, so the request is paused when the upload gives up.
    req.write(Buffer.alloc(100_000, 1));
    body.destroy(new Error('store unreachable'));
    await failed;
    const reqEnded = once(req, 'end');
    for (let i = 0; i < 4; i++) req.write(Buffer.alloc(100_000, 2));
    req.end();
    await reqEnded;
    expect(body.refusal).toBeUndefined();
  });
});
