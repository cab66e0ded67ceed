import { CompletionChoice, CompletionChunk, CompletionRequest, CompletionResponse } from '../../canonical';
import { defined, isObject, num, parseWireObject, protocolError, str, WireObject, extraFields } from '../shared/wire-json';
import { finishReasonFrom, usageFrom } from './openai-usage';

/** The legacy completions body (OpenAI, Azure, and the OpenAI-compatible servers that kept it). */
export function completionBody(req: CompletionRequest, o: { model?: string; streamUsage: boolean }): WireObject {
  const streamOptions = req.stream && o.streamUsage ? { ...req.stream_options, include_usage: true } : req.stream ? req.stream_options : undefined;
  return defined({
    ...extraFields(req.extra),
    model: o.model,
    prompt: req.prompt,
    temperature: req.temperature,
    top_p: req.top_p,
    max_tokens: req.max_tokens,
    n: req.n,
    stop: req.stop,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    seed: req.seed,
    logprobs: req.logprobs,
    echo: req.echo,
    suffix: req.suffix,
    user: req.user,
    stream: req.stream,
    stream_options: streamOptions,
  });
}

const WHAT = 'completion';

export function completionResponseFrom(text: string, fallbackModel: string): CompletionResponse {
  const body = parseWireObject(text, WHAT);
  if (!Array.isArray(body['choices'])) throw protocolError(WHAT, 'no choices');
  return completionShape(body, fallbackModel);
}

export function completionChunkFrom(body: WireObject, fallbackModel: string): CompletionChunk | undefined {
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  if (choices.length === 0 && !usageFrom(body['usage'])) return undefined;
  return completionShape({ ...body, choices }, fallbackModel);
}

function completionShape(body: WireObject, fallbackModel: string): CompletionResponse {
  const choices = body['choices'] as unknown[];
  return defined({
    id: str(body['id']) ?? '',
    created: num(body['created']) ?? 0,
    model: str(body['model']) || fallbackModel,
    choices: choices.map((c, i): CompletionChoice => {
      if (!isObject(c)) throw protocolError(WHAT, 'a malformed choice');
      return defined({ index: num(c['index']) ?? i, text: str(c['text']) ?? '', finish_reason: finishReasonFrom(c['finish_reason']), logprobs: c['logprobs'] ?? undefined });
    }),
    usage: usageFrom(body['usage']),
  });
}
