import { EmbeddingsRequest } from '../../canonical';
import { UpstreamError } from '../../upstream-error';

/** The texts of an embeddings call; token-id inputs are OpenAI's alone. */
export function embeddingTexts(req: EmbeddingsRequest, provider: string): string[] {
  const input = req.input;
  if (typeof input === 'string') return [input];
  if (input.every((x): x is string => typeof x === 'string')) return input;
  throw new UpstreamError('bad_request', `token-id input is not supported by provider ${provider}; send text`);
}

/** OpenAI's base64 encoding: little-endian float32 values. */
export function encodeEmbedding(values: number[], format: EmbeddingsRequest['encoding_format']): number[] | string {
  if (format !== 'base64') return values;
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}
