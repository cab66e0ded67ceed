import { stackEnv } from './infra-env';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the gateway (or any URL) and parses JSON, for e2e tests on the live stack. */
export async function call<T = Record<string, unknown>>(
  method: string,
  pathOrUrl: string,
  opts: { body?: unknown; auth?: string | null; headers?: Record<string, string>; base?: string } = {},
): Promise<JsonResponse<T>> {
  const env = stackEnv();
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${opts.base ?? env.gatewayUrl}${pathOrUrl}`;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? `Bearer ${env.adminKey}` : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // non-JSON bodies stay text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}
