import { FrontResult } from '../front-failure';
import { applyUnknownParamPolicy, droppedParamsHeaders } from '../unknown-params';
import { renderMlflowError } from './error';
import { MlflowInvocation, parseMlflowGatewayChat, parseMlflowGatewayInvocation, parseMlflowInvocation } from './request';

function value<T>(r: FrontResult<T>): T {
  if (!r.ok) throw new Error(`expected a parse, got ${JSON.stringify(r.failure)}`);
  return r.value;
}

function refusedAt<T>(r: FrontResult<T>): { param?: string; message: string } {
  if (r.ok || r.failure.source !== 'gateway') throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
  expect(r.failure.kind).toBe('invalid_request');
  return { message: r.failure.message, ...(r.failure.param !== undefined ? { param: r.failure.param } : {}) };
}

describe('MLflow deployments invocation body', () => {
  // The integration guide's curl, exactly as written.
  const guideBody = { messages: [{ role: 'user', content: 'Hello AI' }], parameters: { strategy: 'efficiency' } };

  it("merges `parameters` into the call, so the guide's unknown `strategy` meets the endpoint policy", () => {
    const inv = value(parseMlflowInvocation('llm/v1/chat', guideBody));
    expect(inv).toEqual({ task: 'llm/v1/chat', request: { messages: [{ role: 'user', content: 'Hello AI' }], extra: { strategy: 'efficiency' } } });

    const dropped = value(applyUnknownParamPolicy(inv.request, 'drop'));
    expect(dropped).toEqual({ request: { messages: [{ role: 'user', content: 'Hello AI' }] }, dropped: ['strategy'] });
    expect(droppedParamsHeaders(dropped.dropped)).toEqual({ 'x-custos-dropped-params': 'strategy' });

    const rejected = applyUnknownParamPolicy(inv.request, 'reject');
    expect(rejected.ok).toBe(false);
    if (!rejected.ok)
      expect(renderMlflowError(rejected.failure)).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('strategy') as string } });
  });

  it('reads known parameters from either place: top level or `parameters`', () => {
    const inv = value(parseMlflowInvocation('llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], temperature: 0.1, parameters: { max_tokens: 64, stop: ['END'] } }));
    expect(inv.request).toEqual({ messages: [{ role: 'user', content: 'x' }], temperature: 0.1, max_tokens: 64, stop: ['END'] });
  });

  it("compares only the body's own keys when merging, so a key named like an object method is just an unknown parameter", () => {
    const inv = value(parseMlflowInvocation('llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], parameters: { toString: 1 } }));
    expect(inv.request.extra).toEqual({ toString: 1 });
  });

  it('ignores a `model` in the body, since the path names the endpoint', () => {
    const inv = value(parseMlflowInvocation('llm/v1/chat', { model: 'something-else', messages: [{ role: 'user', content: 'x' }] }));
    expect(inv.request).toEqual({ messages: [{ role: 'user', content: 'x' }] });
  });

  it("reads completions and embeddings bodies by the endpoint's task", () => {
    expect(value(parseMlflowInvocation('llm/v1/completions', { prompt: "It's one small step for", parameters: { temperature: 0.3, max_tokens: 500 } }))).toEqual({
      task: 'llm/v1/completions',
      request: { prompt: "It's one small step for", temperature: 0.3, max_tokens: 500 },
    });
    expect(value(parseMlflowInvocation('llm/v1/embeddings', { input: ['It was the best of times', 'It was the worst of times'] }))).toEqual({
      task: 'llm/v1/embeddings',
      request: { input: ['It was the best of times', 'It was the worst of times'] },
    });
  });

  it.each([
    ['a chat body on a completions endpoint', 'llm/v1/completions', { messages: [{ role: 'user', content: 'x' }] }, 'prompt', /Missing required parameter: 'prompt'/],
    ['a chat body on an embeddings endpoint', 'llm/v1/embeddings', { messages: [{ role: 'user', content: 'x' }] }, 'input', /Missing required parameter: 'input'/],
    ['`parameters` that is not an object', 'llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], parameters: ['a'] }, 'parameters', /expected an object, but got an array/],
    [
      'the same field in both places',
      'llm/v1/chat',
      { messages: [{ role: 'user', content: 'x' }], temperature: 0.1, parameters: { temperature: 0.2 } },
      'parameters.temperature',
      /both at the top level and in 'parameters'/,
    ],
    ['a wrong type inside `parameters`', 'llm/v1/chat', { messages: [{ role: 'user', content: 'x' }], parameters: { max_tokens: 'many' } }, 'max_tokens', /expected an integer/],
  ] as const)('refuses %s with a 400', (_what, task, body, param, message) => {
    const f = refusedAt(parseMlflowInvocation(task, body));
    expect(f.param).toBe(param);
    expect(f.message).toMatch(message);
  });

  it('refuses a body that is not a JSON object', () => {
    expect(refusedAt(parseMlflowInvocation('llm/v1/chat', 'hello')).message).toMatch(/must be a JSON object, not a string/);
  });
});

describe('MLflow 3 gateway routes', () => {
  it('/gateway/{name}/mlflow/invocations tells chat from embeddings by the body, as MLflow does', () => {
    expect(value(parseMlflowGatewayInvocation({ messages: [{ role: 'user', content: 'hi' }], stream: true }))).toEqual<MlflowInvocation>({
      task: 'llm/v1/chat',
      request: { messages: [{ role: 'user', content: 'hi' }], stream: true },
    });
    expect(value(parseMlflowGatewayInvocation({ input: 'hi' }))).toEqual<MlflowInvocation>({ task: 'llm/v1/embeddings', request: { input: 'hi' } });
    expect(refusedAt(parseMlflowGatewayInvocation({ prompt: 'hi' })).message).toMatch(/must be a chat request .* or an embeddings request/);
    expect(refusedAt(parseMlflowGatewayInvocation(null)).message).toMatch(/must be a JSON object, not null/);
  });

  it('/gateway/mlflow/v1/chat/completions takes the endpoint from `model`', () => {
    expect(value(parseMlflowGatewayChat({ model: 'my-endpoint', messages: [{ role: 'user', content: 'Hello' }], temperature: 0.7 }))).toEqual({
      endpoint: 'my-endpoint',
      request: { messages: [{ role: 'user', content: 'Hello' }], temperature: 0.7 },
    });
    expect(refusedAt(parseMlflowGatewayChat({ messages: [{ role: 'user', content: 'Hello' }] }))).toEqual({ param: 'model', message: "Missing required 'model' parameter in request body." });
  });
});
