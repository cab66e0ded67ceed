import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { completionsViaChat } from '../support/completions-via-chat';
import { anthropicError } from './anthropic-error';
import { anthropicChatRequest } from './anthropic-request';
import { anthropicChatResponse } from './anthropic-response';
import { AnthropicStreamDecoder } from './anthropic-stream';

const chat = {
  request: anthropicChatRequest,
  response: anthropicChatResponse,
  stream: (target: ProviderTarget) => new AnthropicStreamDecoder(target),
};

/** Anthropic's Messages API. Completions go through it as one user turn; Anthropic has no embeddings. */
export const anthropicAdapter: ProviderAdapter = {
  name: 'anthropic',
  chat,
  completions: completionsViaChat('anthropic', chat),
  error: anthropicError,
  validateTarget: (target) => {
    const max = target.options?.max_tokens;
    return max !== undefined && !(Number(max) > 0) ? ['options.max_tokens must be a positive number'] : [];
  },
};
