import http, { STATUS_CODES } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { MLFLOW_REASON_PHRASES, useMlflowReasonPhrases } from './reason-phrases';

/** The raw status line a real server sends for `status` (read off the socket, as a client sees it). */
async function statusLine(status: number): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let head = '';
      socket.on('data', (chunk: Buffer) => (head += chunk.toString('latin1')));
      socket.on('end', () => resolve(head.split('\r\n')[0]));
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe("MLflow's reason phrases on the status line", () => {
  it('replaces the phrases where Node and MLflow differ, and leaves the others alone', async () => {
    useMlflowReasonPhrases();
    expect(await statusLine(413)).toBe('HTTP/1.1 413 Request Entity Too Large');
    expect(await statusLine(414)).toBe('HTTP/1.1 414 Request-URI Too Long');
    expect(await statusLine(416)).toBe('HTTP/1.1 416 Requested Range Not Satisfiable');
    expect(await statusLine(404)).toBe('HTTP/1.1 404 Not Found');
    expect(await statusLine(401)).toBe('HTTP/1.1 401 Unauthorized');
    for (const [code, phrase] of Object.entries(MLFLOW_REASON_PHRASES)) expect(STATUS_CODES[code]).toBe(phrase);
  });
});
