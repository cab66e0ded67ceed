import { createServer, request, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { applyServerTimeouts } from './bootstrap';

/** A server that counts the body bytes it receives, with the platform's timeouts at a 1 s idle limit. */
async function countingServer(): Promise<Server> {
  const server = createServer((req, res) => {
    let n = 0;
    req.on('data', (b: Buffer) => (n += b.length));
    req.on('end', () => res.end(String(n)));
  });
  applyServerTimeouts(server, { HTTP_IDLE_TIMEOUT_MS: 1000 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

describe('service HTTP timeouts', () => {
  let server: Server;
  beforeEach(async () => (server = await countingServer()));
  afterEach(() => new Promise((r) => server.close(r)));

  it('has no whole-request deadline: a body that keeps moving may take longer than the idle limit', async () => {
    expect(server.requestTimeout).toBe(0);
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/' }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      let sent = 0;
      const tick = setInterval(() => {
        req.write('x');
        if (++sent === 8) {
          clearInterval(tick);
          req.end();
        }
      }, 300);
    });
    expect(answer).toBe('8');
  });

  it('closes a connection that stalls for the idle limit', async () => {
    const { port } = server.address() as AddressInfo;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'));
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
