import { SseParser } from '../sse';
import { UpstreamError } from '../upstream-error';
import { FRONT_DIALECTS, renderFrontError, renderFrontStreamError } from './dialect';
import { upstreamFailure } from './front-failure';
import { bodyTooLarge, endpointNotFound, malformedJson, permissionDenied, streamUnsupported, wrongTask } from './refusals';

describe('gateway refusals in every dialect', () => {
  it.each([
    ['malformed JSON', 400, malformedJson('Unexpected token } in JSON at position 12'), /not valid JSON: Unexpected token \} in JSON at position 12\./],
    ['an unknown endpoint', 404, endpointNotFound('nope', 'model'), /'nope' does not exist or you do not have access to it/],
    ['no USE on the endpoint', 403, permissionDenied('bot'), /permission to use the endpoint 'bot'/],
    ['a chat call on an embeddings endpoint', 400, wrongTask('embed', 'llm/v1/embeddings', 'llm/v1/chat', 'model'), /serves llm\/v1\/embeddings \(embeddings\); it cannot answer a chat call/],
    ['a stream the endpoint cannot give', 400, streamUnsupported('bot'), /cannot stream/],
    ['an oversized body', 413, bodyTooLarge(1_048_576), /larger than this gateway accepts \(1048576 bytes\)/],
  ])('%s is a %s with the same words in OpenAI, Anthropic and MLflow form', (_what, status, f, words) => {
    const openai = renderFrontError('openai', f);
    const anthropic = renderFrontError('anthropic', f, 'req_1');
    const mlflow = renderFrontError('mlflow', f);
    for (const r of [openai, anthropic, mlflow]) expect(r.status).toBe(status);
    expect((openai.body as { error: { message: string } }).error.message).toMatch(words);
    expect(anthropic.body as { type: string; error: { message: string }; request_id: string }).toMatchObject({ type: 'error', request_id: 'req_1' });
    expect((anthropic.body as { error: { message: string } }).error.message).toMatch(words);
    expect((mlflow.body as { message: string }).message).toMatch(words);
  });

  it("ends a broken stream in each dialect's own form", () => {
    const f = upstreamFailure(new UpstreamError('connection', 'reset'));
    const events = Object.fromEntries(
      FRONT_DIALECTS.map((d) => {
        const p = new SseParser();
        return [d, [...p.push(renderFrontStreamError(d, f, 'req_2')), ...p.end()]];
      }),
    );
    expect(events.openai).toEqual([{ event: 'message', data: expect.stringContaining('"type":"api_error"') as string }]);
    expect(events.anthropic).toEqual([{ event: 'error', data: expect.stringContaining('"request_id":"req_2"') as string }]);
    expect(events.mlflow).toEqual([{ event: 'message', data: expect.stringContaining('"type":"TEMPORARILY_UNAVAILABLE"') as string }]);
  });
});
