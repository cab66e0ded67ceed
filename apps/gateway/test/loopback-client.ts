import http from 'node:http';
import { randomInt } from 'node:crypto';
import { stackEnv } from '@custos/testing';

export interface LoopbackResponse<T = Record<string, unknown>> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

/**
 * Calls the live gateway from a chosen loopback source address. Linux routes all of 127.0.0.0/8 to
 * the loopback interface, so each test can be its own "client" (its own IP rules, its own failure
 * budget) without touching anyone else's traffic from 127.0.0.1. The path is sent exactly as
 * given (no URL parsing: `..`, `//` and escapes reach the gateway as written).
 */
export function callFrom<T = Record<string, unknown>>(
  localAddress: string,
  method: string,
  path: string,
  opts: { auth?: string | null; headers?: Record<string, string>; body?: unknown } = {},
): Promise<LoopbackResponse<T>> {
  const env = stackEnv();
  const url = new URL(env.gatewayUrl);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? `Bearer ${env.adminKey}` : opts.auth;
  if (auth) headers.authorization = auth;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // non-JSON bodies stay text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A fresh loopback address per run, so in-memory failure budgets of earlier runs do not carry over. */
export function randomLoopback(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
