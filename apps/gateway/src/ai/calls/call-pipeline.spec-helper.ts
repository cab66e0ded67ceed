import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AiEndpoint, ChatChunk, ChatRequest, ChatResponse, DEFAULT_TIMEOUTS, EndpointTarget, ProviderAdapter, retryAfterMs, SseParser, UnknownParamPolicy, UpstreamError } from '@custos/ai-domain';
import { createLogger, parseConfig } from '@custos/platform';
import { Permission, Principal } from '@custos/rbac';
import { offlineServiceEnv } from '@custos/testing';
import { gatewayEnv, GatewayConfig } from '../../gateway.config';
import { DenialRecorder } from '../../proxy/denials';
import { AiEndpointDirectory } from '../ai-endpoint-directory';
import { Resolver } from '../upstream/guarded-connector';
import { UpstreamClient } from '../upstream/upstream-client';
import { UsageRecord, UsageRecorder } from '../usage/usage-recorder.service';
import { CallAttempts } from './call-attempts';
import { CallError } from './call-error';
import { readJsonBody } from './call-intake';
import { CallPipeline } from './call-pipeline.service';
import { TokenEstimator } from './call-usage';
import { CallFailure, FrontCodec, ParsedCall } from './front-codec';
import { ProviderAdapters } from './provider-adapters';

/*
 * Test-only stand-ins for the pieces others build (the real fronts, adapters and endpoint
 * directory): small enough to read at a glance, speaking an OpenAI-like wire format, so the call
 * pipeline's own behaviour (attempts, streaming, aborts, refusals, usage) is what the tests see.
 */

const KNOWN = new Set(['model', 'messages', 'stream', 'stream_options']);

/** A minimal OpenAI-like dialect: chat only, errors as `{error: {kind, message}}`. */
export const testFront: FrontCodec = {
  name: 'openai',
  parse(_task, body, policy: UnknownParamPolicy): ParsedCall {
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.messages)) throw new CallError('invalid_request', "'messages' must be an array", 'messages');
    const unknown = Object.keys(b).filter((k) => !KNOWN.has(k));
    if (unknown.length > 0 && policy === 'reject') throw new CallError('unknown_parameter', `unknown: ${unknown.join(', ')}`, unknown[0]);
    const extra = policy === 'pass' ? Object.fromEntries(unknown.map((k) => [k, b[k]])) : undefined;
    const request: ChatRequest = { messages: b.messages as ChatRequest['messages'], ...(b.stream === true ? { stream: true } : {}), ...(extra ? { extra } : {}) };
    return { request, dropped: policy === 'drop' ? unknown : [] };
  },
  response: (_task, res) => res,
  stream: () => ({ push: (c) => (c.choices.length ? `data: ${JSON.stringify(c)}\n\n` : ''), end: () => 'data: [DONE]\n\n' }),
  error: (f: CallFailure) => ({ status: statusOf(f), headers: {}, body: { error: { kind: f instanceof CallError ? f.kind : `upstream_${f.kind}`, message: f.message } } }),
  streamError: (f: CallFailure) => `data: ${JSON.stringify({ error: { kind: f instanceof CallError ? f.kind : `upstream_${f.kind}` } })}\n\n`,
};

function statusOf(f: CallFailure): number {
  if (f instanceof CallError) return f.kind === 'endpoint_not_found' ? 404 : f.kind === 'body_too_large' ? 413 : 400;
  return f.kind === 'rate_limited' ? 429 : f.kind === 'timeout' ? 504 : f.kind === 'bad_request' ? 400 : 502;
}

/** An OpenAI-like provider: JSON chat at `<base>/chat/completions`, SSE streams ending in `[DONE]`. */
export const testAdapter: ProviderAdapter = {
  name: 'openai',
  chat: {
    request: (target, credential, req) => ({
      method: 'POST',
      url: `${target.baseUrl}/chat/completions`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${credential.api_key}` },
      body: JSON.stringify({ ...req, ...(req.extra ?? {}), extra: undefined }),
    }),
    response: (reply) => JSON.parse(reply.body) as ChatResponse,
    stream: () => {
      const sse = new SseParser();
      let done = false;
      const decode = (events: { data: string }[]): ChatChunk[] =>
        events.flatMap((e) => {
          if (e.data === '[DONE]') {
            done = true;
            return [];
          }
          return [JSON.parse(e.data) as ChatChunk];
        });
      return {
        push: (bytes) => decode(sse.push(bytes)),
        end: () => {
          const rest = decode(sse.end());
          if (!done) throw new UpstreamError('protocol', 'the stream ended before [DONE]');
          return rest;
        },
      };
    },
  },
  error: (reply) =>
    new UpstreamError(
      reply.status === 429 ? 'rate_limited' : reply.status >= 500 ? 'server' : reply.status === 401 ? 'auth' : 'bad_request',
      `provider said ${reply.status}`,
      reply.status,
      retryAfterMs(reply.headers['retry-after']),
    ),
  validateTarget: () => [],
};

export function endpoint(name: string, targets: Partial<EndpointTarget>[], extra: Partial<AiEndpoint> = {}): AiEndpoint {
  return {
    id: `id-${name}`,
    name,
    task: 'llm/v1/chat',
    targets: targets.map((t) => ({ provider: 'openai', model: 'gpt-test', secretId: 's1', weight: 1, order: 0, ...t })),
    timeouts: DEFAULT_TIMEOUTS,
    unknownParams: 'drop',
    tags: {},
    createdBy: 'owner',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

export class TestDirectory extends AiEndpointDirectory {
  readonly endpoints = new Map<string, AiEndpoint>();
  /** principal id -> permission on every endpoint (absent: NO_PERMISSIONS) */
  readonly grants = new Map<string, Permission>();

  get(name: string) {
    return this.endpoints.get(name);
  }
  list() {
    return [...this.endpoints.values()];
  }
  permission(p: Principal): Permission {
    return this.grants.get(p.id) ?? 'NO_PERMISSIONS';
  }
  async credential(): Promise<Record<string, string>> {
    return { api_key: 'sk-test-secret' };
  }
}

/** Counts whitespace-separated words: enough to tell an estimate from a reported count. */
export const wordEstimator: TokenEstimator = { count: (text) => text.split(/\s+/).filter(Boolean).length };

export interface Harness {
  url: string;
  directory: TestDirectory;
  usage: UsageRecord[];
  denials: { reason: string; status: number; detail?: string }[];
  close(): Promise<void>;
}

export const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: [] };

/** The pipeline behind a bare HTTP server (no Nest, no database): the caller's requests go through it as through the controllers. */
export async function startHarness(env: Record<string, string> = {}, resolve: Resolver | null = null, principal: Principal = alice): Promise<Harness> {
  const config = parseConfig(
    gatewayEnv,
    offlineServiceEnv({ AI_UPSTREAM_ALLOW_CIDRS: '127.0.0.0/8', AI_RETRY_BASE_MS: '1', AI_RETRY_MAX_MS: '20', AI_MAX_REQUEST_BYTES: '2048', ...env }),
  ) as GatewayConfig;
  const directory = new TestDirectory();
  const usage: UsageRecord[] = [];
  const denials: Harness['denials'] = [];
  const recorder = { record: (r: UsageRecord) => usage.push(r), track: () => () => undefined } as unknown as UsageRecorder;
  const denialRecorder = { record: async (_ids: unknown, _ip: string, d: { reason: string; status: number; detail?: string }) => void denials.push(d) } as unknown as DenialRecorder;
  const adapters = new ProviderAdapters([testAdapter]);
  const client = new UpstreamClient(config, resolve);
  const attempts = new CallAttempts(config, directory, adapters, client, wordEstimator, () => 0);
  const pipeline = new CallPipeline(createLogger('gateway', 'silent'), directory, adapters, recorder, denialRecorder, wordEstimator, attempts, [], []);
  let n = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readJsonBody(req, res, config.AI_MAX_REQUEST_BYTES);
      await pipeline.run({
        front: testFront,
        task: 'llm/v1/chat',
        endpointName: body && typeof body === 'object' && !(body instanceof CallError) ? (body as Record<string, unknown>).model : undefined,
        body,
        req,
        res,
        principal,
        ids: { correlationId: `req-${++n}` },
        clientIp: '127.0.0.1',
        method: 'POST',
        path: '/v1/chat/completions',
        startedAt: performance.now(),
      });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    directory,
    usage,
    denials,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await client.onModuleDestroy();
    },
  };
}

/** Waits for a condition the system under test will reach (the test's own timeout bounds it). */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}
