import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { call, waitFor } from '@custos/testing';

/*
 * AI endpoints for e2e tests, made as an admin through the gateway's AI admin API and pointing at
 * provider fakes on loopback (the test stack allows loopback upstreams: AI_UPSTREAM_ALLOW_CIDRS).
 */

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface TargetSpec {
  provider?: string;
  baseUrl: string;
  model?: string;
  weight?: number;
  order?: number;
}

export async function createSecret(provider = 'openai'): Promise<string> {
  const r = await call<{ secretId: string }>('POST', '/api/gateway/ai/secrets', { body: { name: unique(`${provider}-key`), provider, value: `sk-e2e-${randomBytes(8).toString('hex')}` } });
  expect(r.status).toBe(201);
  return r.body.secretId;
}

/** Creates the endpoint and waits until the gateway serves it (its projection has it). */
export async function createEndpoint(task: string, targets: TargetSpec[], extra: Record<string, unknown> = {}): Promise<string> {
  const secretId = await createSecret();
  const name = unique(task.split('/').pop() ?? 'ep');
  const body = { name, task, targets: targets.map((t) => ({ provider: 'openai', model: 'gpt-4o-mini', secretId, ...t })), ...extra };
  const r = await call('POST', '/api/gateway/ai/endpoints', { body });
  expect(r.status).toBe(201);
  await waitFor(`endpoint ${name} served`, async () => (await call<{ data: { id: string }[] }>('GET', '/v1/models')).body.data?.some((m) => m.id === name), 10_000, 25);
  return name;
}

/** The audit entries of one request (by the gateway's correlation id), once `type` is among them. */
export async function auditOf(correlationId: string, type: string): Promise<{ type: string; data: Record<string, unknown>; actor?: unknown }> {
  return waitFor(
    `${type} for ${correlationId} in audit`,
    async () => (await call<{ entries: { type: string; data: Record<string, unknown> }[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.find((e) => e.type === type),
    30_000,
    100,
  );
}

/** OpenAI's wire shapes, as a provider fake answers. */
export const openAiWire = {
  chat: (content: string | null, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: 'chatcmpl-e2e',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, ...extra }, logprobs: null, finish_reason: extra.tool_calls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } },
    }),
  chunk: (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`,
  usageChunk: (prompt: number, completion: number) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-e2e', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini-2024-07-18', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`,
  done: 'data: [DONE]\n\n',
  embeddings: (vectors: number[][]) =>
    JSON.stringify({
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    }),
  error: (status: number, message: string) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', param: null, code: null } }),
  }),
};
