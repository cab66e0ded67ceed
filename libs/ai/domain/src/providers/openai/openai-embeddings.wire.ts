import { EmbeddingsRequest, EmbeddingsResponse } from '../../canonical';
import { defined, isObject, num, parseWireObject, protocolError, str, WireObject, extraFields } from '../shared/wire-json';

export function embeddingsBody(req: EmbeddingsRequest, o: { model?: string }): WireObject {
  return defined({ ...extraFields(req.extra), model: o.model, input: req.input, dimensions: req.dimensions, encoding_format: req.encoding_format, user: req.user });
}

const WHAT = 'embeddings';

/** `{data:[{index, embedding}], model, usage}`; vectors stay as sent (floats, or base64 text when asked for). */
export function embeddingsResponseFrom(text: string, fallbackModel: string): EmbeddingsResponse {
  const body = parseWireObject(text, WHAT);
  const data = body['data'];
  if (!Array.isArray(data)) throw protocolError(WHAT, 'no data');
  const u = body['usage'];
  const prompt = isObject(u) ? num(u['prompt_tokens']) : undefined;
  return defined({
    model: str(body['model']) || fallbackModel,
    data: data.map((d, i) => {
      if (!isObject(d) || !(Array.isArray(d['embedding']) || typeof d['embedding'] === 'string')) throw protocolError(WHAT, 'an item without an embedding');
      return { index: num(d['index']) ?? i, embedding: d['embedding'] as number[] | string };
    }),
    usage: prompt === undefined || !isObject(u) ? undefined : { prompt_tokens: prompt, total_tokens: num(u['total_tokens']) ?? prompt },
  });
}
