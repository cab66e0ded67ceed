import { ChatMessage, ChatRequest, ContentPart, EmbeddingsRequest, ResponseFormat, ToolChoice } from '../../canonical';
import { ProviderCredential, ProviderTarget, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { embeddingTexts } from '../support/embedding-input';
import { dataUrl, isSystem, mediaTypeOfUrl, mergeSameRole, textOf, toolNamesById, unsupported } from '../support/message-content';
import { compact, isObject, joinUrl, JsonObject, parseArguments, withPassThrough } from '../support/wire-json';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';
/** v1beta carries tools, system instructions and JSON-schema output; a target may pin `options.api_version`. */
export const GEMINI_API_VERSION = 'v1beta';

type Part = JsonObject;
interface Turn {
  role: 'user' | 'model';
  blocks: Part[];
}

/** `models/gemini-x` and `gemini-x` name the same model; the URL wants the bare id. */
export function geminiModelId(model: string): string {
  return model.replace(/^models\//, '');
}

function geminiUrl(target: ProviderTarget, method: string, query = ''): string {
  const version = target.options?.api_version ?? GEMINI_API_VERSION;
  return joinUrl(target.baseUrl ?? GEMINI_BASE_URL, `/${version}/models/${encodeURIComponent(geminiModelId(target.model))}:${method}${query}`);
}

function headers(credential: ProviderCredential): Record<string, string> {
  const key = credential.api_key;
  if (!key) throw new UpstreamError('auth', 'gemini: the stored credential has no api_key');
  // the key goes in a header, never the query string, so it stays out of URL logs
  return { 'content-type': 'application/json', 'x-goog-api-key': key };
}

export function geminiChatRequest(target: ProviderTarget, credential: ProviderCredential, req: ChatRequest): UpstreamRequest {
  const h = headers(credential);
  if (req.logprobs && req.stream) throw unsupported('gemini', 'logprobs on a stream');
  const system = req.messages.filter(isSystem).map((m) => textOf(m.content));
  const names = toolNamesById(req.messages);
  const turns = mergeSameRole(req.messages.filter((m) => !isSystem(m)).map((m) => toTurn(m, names)));
  const generationConfig = compact({
    temperature: req.temperature,
    topP: req.top_p,
    maxOutputTokens: req.max_tokens,
    candidateCount: req.n,
    stopSequences: req.stop?.length ? req.stop : undefined,
    presencePenalty: req.presence_penalty,
    frequencyPenalty: req.frequency_penalty,
    seed: req.seed,
    responseLogprobs: req.logprobs || undefined,
    logprobs: req.logprobs ? req.top_logprobs : undefined,
    ...responseFormat(req.response_format),
  });
  const body = withPassThrough(
    {
      contents: turns.map((t) => ({ role: t.role, parts: t.blocks })),
      systemInstruction: system.length ? { parts: [{ text: system.join('\n\n') }] } : undefined,
      tools: req.tools?.length
        ? [{ functionDeclarations: req.tools.map((t) => compact({ name: t.function.name, description: t.function.description, parametersJsonSchema: t.function.parameters })) }]
        : undefined,
      toolConfig: req.tools?.length ? toolConfig(req.tool_choice) : undefined,
      generationConfig: Object.keys(generationConfig).length ? generationConfig : undefined,
    },
    req.extra,
  );
  const url = req.stream ? geminiUrl(target, 'streamGenerateContent', '?alt=sse') : geminiUrl(target, 'generateContent');
  return { method: 'POST', url, headers: req.stream ? { ...h, accept: 'text/event-stream' } : h, body: JSON.stringify(body) };
}

function responseFormat(f: ResponseFormat | undefined): JsonObject {
  if (!f || f.type === 'text') return {};
  if (f.type === 'json_object') return { responseMimeType: 'application/json' };
  return compact({ responseMimeType: 'application/json', responseJsonSchema: f.json_schema.schema });
}

function toolConfig(choice: ToolChoice | undefined): JsonObject | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function toTurn(m: ChatMessage, names: Map<string, string>): Turn {
  if (m.role === 'tool') {
    const name = (m.tool_call_id && names.get(m.tool_call_id)) || m.name;
    if (!name) throw new UpstreamError('bad_request', 'gemini: a tool message must answer an earlier tool call (tool_call_id) or name its function');
    return { role: 'user', blocks: [{ functionResponse: { name, response: toolResult(textOf(m.content)) } }] };
  }
  if (m.role === 'assistant') {
    const text = textOf(m.content);
    const parts: Part[] = text ? [{ text }] : [];
    for (const c of m.tool_calls ?? []) parts.push({ functionCall: { name: c.function.name, args: parseArguments(c.function.arguments, 'gemini') } });
    return { role: 'model', blocks: parts };
  }
  const content = m.content;
  return { role: 'user', blocks: typeof content === 'string' ? [{ text: content }] : (content ?? []).map(userPart) };
}

/** functionResponse.response must be an object: a JSON object result as is, anything else under `output`. */
function toolResult(text: string): JsonObject {
  try {
    const v: unknown = JSON.parse(text);
    if (isObject(v)) return v;
  } catch {
    // plain text result
  }
  return { output: text };
}

function userPart(p: ContentPart): Part {
  if (p.type === 'text') return { text: p.text };
  const inline = dataUrl(p.image_url.url);
  return inline ? { inlineData: { mimeType: inline.mediaType, data: inline.base64 } } : { fileData: { mimeType: mediaTypeOfUrl(p.image_url.url), fileUri: p.image_url.url } };
}

/** One batchEmbedContents call for every input (a single text is a batch of one). */
export function geminiEmbeddingsRequest(target: ProviderTarget, credential: ProviderCredential, req: EmbeddingsRequest): UpstreamRequest {
  const h = headers(credential);
  const model = `models/${geminiModelId(target.model)}`;
  const requests = embeddingTexts(req, 'gemini').map((text) => compact({ model, content: { parts: [{ text }] }, outputDimensionality: req.dimensions }));
  return { method: 'POST', url: geminiUrl(target, 'batchEmbedContents'), headers: h, body: JSON.stringify(withPassThrough({ requests }, req.extra)) };
}
