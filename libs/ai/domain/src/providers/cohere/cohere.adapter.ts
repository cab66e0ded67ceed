import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { completionsViaChat } from '../support/completions-via-chat';
import { cohereError } from './cohere-error';
import { cohereChatRequest, cohereEmbeddingsRequest } from './cohere-request';
import { cohereChatResponse, cohereEmbeddingsResponse } from './cohere-response';
import { CohereStreamDecoder } from './cohere-stream';

const chat = {
  request: cohereChatRequest,
  response: cohereChatResponse,
  stream: (target: ProviderTarget) => new CohereStreamDecoder(target),
};

/** Cohere's v2 API: chat (completions through it) and embed. */
export const cohereAdapter: ProviderAdapter = {
  name: 'cohere',
  chat,
  completions: completionsViaChat('cohere', chat),
  embeddings: { request: cohereEmbeddingsRequest, response: cohereEmbeddingsResponse },
  error: cohereError,
  validateTarget: (target) => {
    const t = target.options?.input_type;
    return t && !['search_document', 'search_query', 'classification', 'clustering', 'image'].includes(t)
      ? ['options.input_type must be one of search_document, search_query, classification, clustering, image']
      : [];
  },
};
