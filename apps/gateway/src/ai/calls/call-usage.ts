import { CompletionChunk, Usage } from '@custos/ai-domain';
import { CanonicalChunk, CanonicalRequest, CanonicalResponse } from './front-codec';

/** Counts tokens the way a provider would, for calls whose provider reported none. */
export interface TokenEstimator {
  count(text: string, model: string): number;
}

export const TOKEN_ESTIMATOR = Symbol('TOKEN_ESTIMATOR');

/** The text a request sends, for an estimate of its prompt tokens. */
export function promptText(req: CanonicalRequest): string {
  if ('messages' in req) {
    return req.messages
      .map(
        (m) =>
          (typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join(' ')) + (m.tool_calls ?? []).map((t) => t.function.arguments).join(' '),
      )
      .join('\n');
  }
  if ('prompt' in req) return Array.isArray(req.prompt) ? req.prompt.join('\n') : req.prompt;
  const input = req.input;
  return typeof input === 'string' ? input : Array.isArray(input) && input.every((x) => typeof x === 'string') ? (input as string[]).join('\n') : '';
}

/** The text a reply produced, for an estimate of its completion tokens. */
export function replyText(res: CanonicalResponse): string {
  if (!('choices' in res)) return '';
  return res.choices.map((c) => ('message' in c ? (c.message.content ?? '') + (c.message.tool_calls ?? []).map((t) => t.function.arguments).join('') : c.text)).join('\n');
}

export function chunkText(chunk: CanonicalChunk): string {
  return chunk.choices
    .map((c) => ('delta' in c ? (c.delta.content ?? '') + (c.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('') : (c as CompletionChunk['choices'][number]).text))
    .join('');
}

/** The provider's counts when it gave them; otherwise the tokenizer's, marked estimated. */
export function settleUsage(reported: Usage | undefined, estimator: TokenEstimator, model: string, prompt: string, completion: string): Usage {
  if (reported) return reported;
  const prompt_tokens = estimator.count(prompt, model);
  const completion_tokens = completion ? estimator.count(completion, model) : 0;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, estimated: true };
}
