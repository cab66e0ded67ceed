import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Agent, Dispatcher, errors } from 'undici';
import { EndpointTimeouts, NumericAddress, UpstreamError, UpstreamRequest } from '@custos/ai-domain';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../../gateway.config';
import { parseCidrList } from '../../domain/cidr';
import { formatIp } from '../../domain/ip-address';
import { guardedConnector, Resolver, systemResolver } from './guarded-connector';

/** A provider's reply as it starts: status and headers, the body still streaming. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array> & { destroy(err?: Error): void };
}

export const UPSTREAM_RESOLVER = Symbol('UPSTREAM_RESOLVER');

/**
 * The one way the gateway talks to providers: undici agents with keep-alive pools, every new
 * connection through the SSRF-checking connector, TLS verified, and the endpoint's timeouts:
 * connect (the connector), first byte (`headersTimeout`), silence between chunks (`bodyTimeout`)
 * and the whole call (the caller's AbortSignal). Errors come back as UpstreamError.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  /** One pool per connect timeout: it is a property of the connector, the other timeouts are per request. */
  private readonly agents = new Map<number, Agent>();
  private readonly allowListed: (a: NumericAddress) => boolean;
  private readonly resolve: Resolver;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig, @Inject(UPSTREAM_RESOLVER) resolve: Resolver | null) {
    const allow = parseCidrList(config.AI_UPSTREAM_ALLOW_CIDRS);
    this.allowListed = (a) => allow.contains(formatIp(a));
    this.resolve = resolve ?? systemResolver;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close().catch(() => undefined)));
  }

  private agentFor(connectMs: number): Agent {
    let agent = this.agents.get(connectMs);
    if (!agent) {
      agent = new Agent({
        connect: guardedConnector({ allowListed: this.allowListed, resolve: this.resolve, timeoutMs: connectMs }),
        keepAliveTimeout: 30_000,
        connections: 256,
      });
      this.agents.set(connectMs, agent);
    }
    return agent;
  }

  async send(req: UpstreamRequest, timeouts: EndpointTimeouts, signal: AbortSignal): Promise<UpstreamResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new UpstreamError('connection', 'the target has a malformed base URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UpstreamError('connection', `the target's URL scheme ${url.protocol} is not supported`);
    try {
      const r = await this.agentFor(timeouts.connectMs).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        headersTimeout: timeouts.firstByteMs,
        bodyTimeout: timeouts.idleMs,
      });
      return { status: r.statusCode, headers: flatHeaders(r.headers), body: r.body };
    } catch (e) {
      throw upstreamErrorOf(e, signal);
    }
  }
}

/** Reads a whole (non-streamed) reply, up to a size; what is larger is a protocol error. */
export async function readText(body: AsyncIterable<Uint8Array> & { destroy(err?: Error): void }, limit: number, signal: AbortSignal): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.byteLength;
      if (size > limit) {
        body.destroy();
        throw new UpstreamError('protocol', `the provider's reply is larger than ${limit} bytes`);
      }
      parts.push(Buffer.from(chunk));
    }
  } catch (e) {
    throw upstreamErrorOf(e, signal);
  }
  return Buffer.concat(parts).toString('utf8');
}

function flatHeaders(h: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** undici's and the socket's failures in provider-neutral terms; the caller's total deadline is a timeout. */
export function upstreamErrorOf(e: unknown, signal?: AbortSignal): UpstreamError {
  if (e instanceof UpstreamError) return e;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof UpstreamError ? reason : new UpstreamError('timeout', 'the call was cancelled');
  }
  if (e instanceof errors.ConnectTimeoutError) return new UpstreamError('timeout', 'connecting to the provider timed out');
  if (e instanceof errors.HeadersTimeoutError) return new UpstreamError('timeout', 'the provider did not answer in time (first byte)');
  if (e instanceof errors.BodyTimeoutError) return new UpstreamError('timeout', 'the provider went silent mid-reply (idle timeout)');
  const code = (e as NodeJS.ErrnoException | null)?.code ?? '';
  if (/^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(code)) return new UpstreamError('connection', `the provider's TLS certificate was refused (${code})`);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return new UpstreamError('connection', 'the provider closed the connection');
  return new UpstreamError('connection', `could not reach the provider${code ? ` (${code})` : ''}`);
}
