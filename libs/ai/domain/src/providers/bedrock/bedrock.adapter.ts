import { ProviderAdapter, ProviderTarget } from '../../provider-adapter';
import { completionsViaChat } from '../support/completions-via-chat';
import { bedrockError } from './bedrock-error';
import { bedrockChatRequest, bedrockEmbeddingsRequest } from './bedrock-request';
import { bedrockChatResponse, bedrockEmbeddingsResponse } from './bedrock-response';
import { BedrockStreamDecoder } from './bedrock-stream';

const chat = {
  request: bedrockChatRequest,
  response: bedrockChatResponse,
  stream: (target: ProviderTarget) => new BedrockStreamDecoder(target),
};

/**
 * Amazon Bedrock's Converse API (one request shape for every model vendor), SigV4-signed;
 * embeddings through InvokeModel for Titan and Cohere embed models.
 */
export const bedrockAdapter: ProviderAdapter = {
  name: 'bedrock',
  chat,
  completions: completionsViaChat('bedrock', chat),
  embeddings: { request: bedrockEmbeddingsRequest, response: bedrockEmbeddingsResponse },
  error: bedrockError,
  validateTarget: (target) => {
    const region = target.options?.region;
    if (!region) return ['options.region is required (e.g. us-east-1)'];
    return /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region) ? [] : ['options.region must be an AWS region name such as us-east-1'];
  },
};
