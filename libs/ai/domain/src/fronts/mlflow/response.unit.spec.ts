import { EndpointTarget } from '../../endpoint';
import { ProviderName } from '../../provider-adapter';
import { SseParser } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { refusal, upstreamFailure } from '../front-failure';
import { decodeMlflowPageToken, encodeMlflowPageToken, mlflowEndpointNotFound, renderMlflowEndpoint, renderMlflowEndpointList } from './endpoints';
import { mlflowStreamError, renderMlflowError } from './error';
import { mlflowChatChunkSse, mlflowCompletionChunkSse, renderMlflowChat, renderMlflowCompletion, renderMlflowEmbeddings } from './response';

function dataOf(sse: string): unknown[] {
  const p = new SseParser();
  return [...p.push(sse), ...p.end()].map((e) => JSON.parse(e.data) as unknown);
}

describe('MLflow gateway replies', () => {
  it("renders chat in the gateway's shape, with the model the provider reported", () => {
    expect(
      renderMlflowChat({
        id: 'c1',
        created: 3,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      }),
    ).toEqual({
      id: 'c1',
      object: 'chat.completion',
      created: 3,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
    });
  });

  it("gives null token counts when the provider gave none, as MLflow's optional usage fields are", () => {
    expect(renderMlflowCompletion({ id: 'c', created: 1, model: 'm', choices: [{ index: 0, text: 'ok', finish_reason: 'length' }] })).toEqual({
      id: 'c',
      object: 'text_completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, text: 'ok', finish_reason: 'length' }],
      usage: { prompt_tokens: null, completion_tokens: null, total_tokens: null },
    });
    expect(renderMlflowEmbeddings({ model: 'e', data: [{ index: 0, embedding: [0.5] }] })).toEqual({
      object: 'list',
      data: [{ object: 'embedding', embedding: [0.5], index: 0 }],
      model: 'e',
      usage: { prompt_tokens: null, total_tokens: null },
    });
  });

  it('streams chat chunks as bare data events, and completion chunks with their text as a delta', () => {
    expect(dataOf(mlflowChatChunkSse({ id: 'c', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] }))).toEqual([
      { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, finish_reason: null, delta: { content: 'Hel' } }] },
    ]);
    expect(dataOf(mlflowCompletionChunkSse({ id: 'c', created: 1, model: 'm', choices: [{ index: 0, text: 'lo', finish_reason: null }] }))).toEqual([
      { id: 'c', object: 'text_completion_chunk', created: 1, model: 'm', choices: [{ index: 0, finish_reason: null, delta: { role: null, content: 'lo' } }] },
    ]);
    expect(mlflowChatChunkSse({ id: 'c', created: 1, model: 'm', choices: [] })).not.toContain('event:');
  });
});

const target = (model: string, provider: ProviderName, order: number, weight: number): EndpointTarget => ({ provider, model, secretId: 's', order, weight });

describe('MLflow deployments endpoint listing', () => {
  it('shows one endpoint as mlflow.deployments parses it, the primary target as its model', () => {
    expect(renderMlflowEndpoint({ name: 'chat bot', task: 'llm/v1/chat', targets: [target('fallback', 'anthropic', 2, 1), target('light', 'openai', 1, 1), target('main', 'openai', 1, 3)] })).toEqual({
      name: 'chat bot',
      endpoint_type: 'llm/v1/chat',
      model: { name: 'main', provider: 'openai' },
      endpoint_url: '/endpoints/chat%20bot/invocations',
      limit: null,
    });
  });

  it('pages in name order with a next_page_token only while more remain, and the token walks the whole list', () => {
    const eps = ['c', 'a', 'e', 'b', 'd'].map((name) => ({ name, task: 'llm/v1/chat' as const, targets: [target('m', 'openai', 1, 1)] }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = renderMlflowEndpointList(eps, token, 2);
      if (!page.ok) throw new Error('page failed');
      seen.push(...page.value.endpoints.map((e) => e.name));
      token = page.value.next_page_token;
      pages++;
    } while (token);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
    const all = renderMlflowEndpointList(eps);
    expect(all.ok && all.value).not.toHaveProperty('next_page_token');
  });

  it('reads MLflow\'s own page tokens (base64 of {"index": n}) and refuses others with a 400', () => {
    expect(decodeMlflowPageToken(Buffer.from('{"index": 3}').toString('base64'))).toEqual({ ok: true, value: 3 });
    expect(decodeMlflowPageToken(encodeMlflowPageToken(7))).toEqual({ ok: true, value: 7 });
    for (const bad of ['not-base64!', Buffer.from('{"index": -1}').toString('base64'), Buffer.from('[1]').toString('base64')]) {
      const r = decodeMlflowPageToken(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(renderMlflowError(r.failure)).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    }
    expect(renderMlflowEndpointList([], 'garbage').ok).toBe(false);
  });

  it('answers an unknown endpoint with a 404 RESOURCE_DOES_NOT_EXIST', () => {
    expect(renderMlflowError(mlflowEndpointNotFound('nope'))).toEqual({
      status: 404,
      headers: {},
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "The endpoint 'nope' is not present or active on the server. Please verify the endpoint name." },
    });
  });
});

describe('MLflow errors', () => {
  it('renders refusals and upstream failures as {error_code, message}', () => {
    expect(renderMlflowError(refusal('wrong_task', "Endpoint 'e' is an llm/v1/embeddings endpoint, not llm/v1/chat."))).toEqual({
      status: 400,
      headers: {},
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Endpoint 'e' is an llm/v1/embeddings endpoint, not llm/v1/chat." },
    });
    expect(renderMlflowError(upstreamFailure(new UpstreamError('auth', 'bad key', 401)))).toMatchObject({ status: 502, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
  });

  it("ends a broken stream with one data event holding {error: {message, type}}, as MLflow's gateway does", () => {
    expect(dataOf(mlflowStreamError(upstreamFailure(new UpstreamError('timeout', 'idle for 30 s'))))).toEqual([
      { error: { message: expect.stringContaining('idle for 30 s') as string, type: 'DEADLINE_EXCEEDED' } },
    ]);
  });
});
