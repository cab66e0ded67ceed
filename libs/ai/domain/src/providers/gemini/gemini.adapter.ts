import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { completionsViaChat } from '../support/completions-via-chat';
import { geminiError } from './gemini-error';
import { geminiChatRequest, geminiEmbeddingsRequest } from './gemini-request';
import { geminiChatResponse, geminiEmbeddingsResponse } from './gemini-response';
import { GeminiStreamDecoder } from './gemini-stream';

const chat = {
  request: geminiChatRequest,
  response: geminiChatResponse,
  stream: (target: ProviderTarget) => new GeminiStreamDecoder(target),
};

/**
 * Google's Gemini API (generativelanguage): generateContent / streamGenerateContent for chat and
 * completions, batchEmbedContents for embeddings. The embeddings response needs the caller's
 * encoding_format, which `response` does not receive: vectors come back as floats and the front
 * encodes base64 when asked (as for every provider without native base64).
 */
export const geminiAdapter: ProviderAdapter = {
  name: 'gemini',
  chat,
  completions: completionsViaChat('gemini', chat),
  embeddings: {
    request: geminiEmbeddingsRequest,
    response: (reply, target) => geminiEmbeddingsResponse(reply, target, 'float'),
  },
  error: geminiError,
  validateTarget: (target) => (target.options?.api_version && !/^v\d+(alpha|beta)?\d*$/.test(target.options.api_version) ? ['options.api_version must look like v1 or v1beta'] : []),
};
