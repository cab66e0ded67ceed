import { ChatChunk, ChatRequest, EmbeddingsRequest } from '../../canonical';
import { ProviderTarget } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { decodeAll, errorCases, errorReply, fixtureJson, okReply, splits, sseBytes, thrownBy } from '../testing/fixtures';
import { mistralAdapter } from './mistral.adapter';
import { mistralToolCallId } from './mistral-tool-ids';

const P = 'mistral';
const chat = mistralAdapter.chat!;
const embeddings = mistralAdapter.embeddings!;
const target: ProviderTarget = { provider: 'mistral', model: 'mistral-small-latest', options: { safe_prompt: 'true' } };
const key = { api_key: 'mistral-key-abcdef' };

describe('mistral adapter: requests', () => {
  it("translates a chat request into Mistral's dialect (random_seed, any, system, nine-character tool ids, no OpenAI-only fields)", async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>(P, 'chat.request.canonical.json'));
    expect(req.url).toBe('https://api.mistral.ai/v1/chat/completions');
    expect(req.headers).toMatchObject({ authorization: 'Bearer mistral-key-abcdef', accept: 'text/event-stream' });
    expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(P, 'chat.request.wire.json'));
  });

  it('maps foreign tool call ids to stable nine-character ids so calls and results still pair up', () => {
    const a = mistralToolCallId('toolu_01A09q90qw90lq917835lq9');
    expect(a).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(mistralToolCallId('toolu_01A09q90qw90lq917835lq9')).toBe(a);
    expect(mistralToolCallId('call_other')).not.toBe(a);
    expect(mistralToolCallId('D681PevKs')).toBe('D681PevKs');
  });

  it('sends embeddings with output_dimension and refuses token-array input before any byte is sent', async () => {
    const req = await embeddings.request({ ...target, model: 'codestral-embed' }, key, fixtureJson<EmbeddingsRequest>(P, 'embeddings.request.canonical.json'));
    expect(req.url).toBe('https://api.mistral.ai/v1/embeddings');
    expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(P, 'embeddings.request.wire.json'));
    expect(thrownBy(() => embeddings.request(target, key, { input: [[1, 2, 3]] }))).toMatchObject({ kind: 'bad_request' });
  });

  it('has no completions task (its completions endpoint is fill-in-the-middle)', () => {
    expect(mistralAdapter.completions).toBeUndefined();
  });
});

describe('mistral adapter: replies and streams', () => {
  it('reads a tool call reply whose calls carry no type', () => {
    expect(chat.response(okReply(P, 'chat.response.wire.json'), target)).toEqual(fixtureJson(P, 'chat.response.canonical.json'));
  });

  it('keeps only the text parts of a reasoning reply', () => {
    expect(chat.response(okReply(P, 'chat-reasoning.response.wire.json'), target)).toEqual(fixtureJson(P, 'chat-reasoning.response.canonical.json'));
  });

  it('reads embeddings', () => {
    expect(embeddings.response(okReply(P, 'embeddings.response.wire.json'), target)).toEqual(fixtureJson(P, 'embeddings.response.canonical.json'));
  });

  it.each(splits(sseBytes(P, 'chat.stream.sse')))('decodes a stream whose last choice chunk carries the usage ($name)', ({ parts }) => {
    expect(decodeAll(chat.stream!(target), parts)).toEqual(fixtureJson<ChatChunk[]>(P, 'chat.stream.canonical.json'));
  });

  it('treats a choice that finished with "error" as a provider failure', () => {
    expect(thrownBy(() => decodeAll(chat.stream!(target), [sseBytes(P, 'chat.stream-error.sse')]))).toMatchObject({ kind: 'server' });
    const body = JSON.stringify({ id: 'x', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'error' }] });
    expect(thrownBy(() => chat.response({ status: 200, headers: {}, body }, target))).toMatchObject({ kind: 'server' });
  });
});

describe('mistral adapter: errors and targets', () => {
  it.each(errorCases(P))('classifies $name ($status) as $kind', (c) => {
    const e = mistralAdapter.error(errorReply(c));
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe(c.kind);
    expect(e.retryAfterMs).toBe(c.retryAfterMs);
    expect(e.message).toContain(c.message ?? '');
  });

  it('accepts safe_prompt only as "true" or "false"', () => {
    expect(mistralAdapter.validateTarget(target)).toEqual([]);
    expect(mistralAdapter.validateTarget({ ...target, options: { safe_prompt: 'yes' } })).toHaveLength(1);
  });
});
