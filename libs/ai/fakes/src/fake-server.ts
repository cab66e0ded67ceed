import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as the fake received it (headers lower-cased, body as text). */
export interface RecordedRequest {
  method: string;
  /** path and query as sent */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** set when the client closed the connection before the reply ended */
  aborted: boolean;
}

/** What a scripted reply does: a whole body, or a stream of pieces with pauses between them. */
export type FakeReply =
  | { status: number; headers?: Record<string, string>; body: string | Buffer }
  | {
      status: number;
      headers?: Record<string, string>;
      /** written one by one; `delayMs` before each */
      chunks: { data: string | Buffer; delayMs?: number }[];
      /** destroy the socket after the chunks instead of ending the reply (a stream that breaks midway) */
      breakAfter?: boolean;
    };

export type FakeHandler = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeUpstream {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replace the handler (one fake per test file, scripted per test). */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A loopback HTTP server for provider fakes: records every request (and whether the client went
 * away before the reply ended, which is how tests see that the gateway aborted upstream), and
 * answers from a handler. Provider fakes build their wire formats on top of it.
 */
export async function startFakeUpstream(initial: FakeHandler, port = 0): Promise<FakeUpstream> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const recorded: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers, body: Buffer.concat(parts).toString('utf8'), aborted: false };
      requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) recorded.aborted = true;
      });
      void reply(res, recorded);
    });
  });

  async function reply(res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    let r: FakeReply;
    try {
      r = await handler(recorded);
    } catch (e) {
      r = { status: 500, headers: { 'content-type': 'text/plain' }, body: `fake handler failed: ${(e as Error).message}` };
    }
    if ('body' in r) {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return;
    }
    res.writeHead(r.status, r.headers);
    res.flushHeaders();
    for (const c of r.chunks) {
      if (c.delayMs) await sleep(c.delayMs);
      if (res.destroyed) return;
      res.write(c.data);
    }
    if (r.breakAfter) res.socket?.destroy();
    else res.end();
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    handle(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
