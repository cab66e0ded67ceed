import { FinishReason, Usage } from '../../canonical';
import { isObject, num } from '../shared/wire-json';

/** OpenAI-family usage into the canonical form; `prompt_tokens_details.cached_tokens` becomes `cached_tokens`. */
export function usageFrom(v: unknown): Usage | undefined {
  if (!isObject(v)) return undefined;
  const prompt = num(v['prompt_tokens']);
  if (prompt === undefined) return undefined;
  const completion = num(v['completion_tokens']) ?? 0;
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(v['total_tokens']) ?? prompt + completion };
  const details = v['prompt_tokens_details'];
  const cached = isObject(details) ? num(details['cached_tokens']) : undefined;
  if (cached !== undefined) usage.cached_tokens = cached;
  return usage;
}

/**
 * Finish reasons beyond OpenAI's four, from servers that speak its dialect: the legacy
 * `function_call`, Mistral's `model_length`, and end-of-sequence names some local servers use.
 */
export function finishReasonFrom(v: unknown): FinishReason | null {
  if (typeof v !== 'string') return null;
  switch (v) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return v;
    case 'function_call':
      return 'tool_calls';
    case 'model_length':
    case 'max_tokens':
      return 'length';
    default:
      return 'stop';
  }
}
