import { ChatMessage, ChatRequest, ContentPart, EmbeddingsRequest, ToolChoice } from '../../canonical';
import { ProviderCredential, ProviderTarget, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { embeddingTexts } from '../support/embedding-input';
import { dataUrl, isSystem, mergeSameRole, textOf, unsupported } from '../support/message-content';
import { compact, joinUrl, JsonObject, parseArguments, withPassThrough } from '../support/wire-json';
import { signAws } from './bedrock-sign';

type Block = JsonObject;
interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
}

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function bedrockBaseUrl(target: ProviderTarget): string {
  return target.baseUrl ?? `https://bedrock-runtime.${target.options?.region ?? ''}.amazonaws.com`;
}

function modelPath(target: ProviderTarget, action: string): string {
  // model ids carry ':' (versions) and ARNs carry '/', both encoded into one path segment
  return `/model/${encodeURIComponent(target.model)}/${action}`;
}

async function signed(target: ProviderTarget, credential: ProviderCredential, action: string, body: JsonObject, accept: string): Promise<UpstreamRequest> {
  const region = target.options?.region;
  if (!region) throw new UpstreamError('bad_request', 'bedrock: the target has no options.region');
  const req: UpstreamRequest = { method: 'POST', url: joinUrl(bedrockBaseUrl(target), modelPath(target, action)), headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) };
  return signAws(req, credential, { region, service: 'bedrock' });
}

/** Converse (`/converse`) or ConverseStream (`/converse-stream`, a binary event stream reply). */
export async function bedrockChatRequest(target: ProviderTarget, credential: ProviderCredential, req: ChatRequest): Promise<UpstreamRequest> {
  if (req.n !== undefined && req.n > 1) throw unsupported('bedrock', 'n > 1');
  if (req.logprobs) throw unsupported('bedrock', 'logprobs');
  if (req.response_format && req.response_format.type !== 'text') throw unsupported('bedrock', `response_format ${req.response_format.type}`);
  const system = req.messages.filter(isSystem).map((m) => ({ text: textOf(m.content) }));
  const turns = mergeSameRole(req.messages.filter((m) => !isSystem(m)).map(toTurn));
  const inferenceConfig = compact({ maxTokens: req.max_tokens, temperature: req.temperature, topP: req.top_p, stopSequences: req.stop?.length ? req.stop : undefined });
  const body = withPassThrough(
    {
      messages: turns.map((t) => ({ role: t.role, content: t.blocks })),
      system: system.length ? system : undefined,
      inferenceConfig: Object.keys(inferenceConfig).length ? inferenceConfig : undefined,
      toolConfig: toolConfig(req, turns),
    },
    req.extra,
  );
  return req.stream ? signed(target, credential, 'converse-stream', body, 'application/vnd.amazon.eventstream') : signed(target, credential, 'converse', body, 'application/json');
}

/**
 * Converse has no "none" tool choice: the tools are left out, unless the history holds tool
 * blocks (then Bedrock requires the toolConfig, and the model chooses).
 */
function toolConfig(req: ChatRequest, turns: Turn[]): JsonObject | undefined {
  if (!req.tools?.length) return undefined;
  const historyHasTools = turns.some((t) => t.blocks.some((b) => b.toolUse !== undefined || b.toolResult !== undefined));
  if (req.tool_choice === 'none' && !historyHasTools) return undefined;
  const tools = req.tools.map((t) => ({
    toolSpec: compact({ name: t.function.name, description: t.function.description, inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } } }),
  }));
  return compact({ tools, toolChoice: toolChoice(req.tool_choice) });
}

function toolChoice(choice: ToolChoice | undefined): JsonObject | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  return { tool: { name: choice.function.name } };
}

function toTurn(m: ChatMessage): Turn {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw new UpstreamError('bad_request', 'a tool message needs tool_call_id');
    return { role: 'user', blocks: [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text: textOf(m.content) }] } }] };
  }
  if (m.role === 'assistant') {
    const text = textOf(m.content);
    const blocks: Block[] = text ? [{ text }] : [];
    for (const c of m.tool_calls ?? []) blocks.push({ toolUse: { toolUseId: c.id, name: c.function.name, input: parseArguments(c.function.arguments, 'bedrock') } });
    return { role: 'assistant', blocks };
  }
  const content = m.content;
  return { role: 'user', blocks: typeof content === 'string' ? [{ text: content }] : (content ?? []).map(userBlock) };
}

function userBlock(p: ContentPart): Block {
  if (p.type === 'text') return { text: p.text };
  const inline = dataUrl(p.image_url.url);
  const format = inline && IMAGE_FORMATS[inline.mediaType.toLowerCase()];
  // Converse takes image bytes (or S3 locations), not web links
  if (!inline || !format) throw unsupported('bedrock', 'an image that is not a base64 data URL of png, jpeg, gif or webp');
  return { image: { format, source: { bytes: inline.base64 } } };
}

/** Which embeddings body a Bedrock model takes (InvokeModel speaks the model vendor's format). */
export function bedrockEmbeddingFamily(model: string): 'titan' | 'cohere' | undefined {
  if (/(^|[.:/])amazon\.titan-embed/.test(model)) return 'titan';
  if (/(^|[.:/])cohere\.embed/.test(model)) return 'cohere';
  return undefined;
}

/** Embeddings through InvokeModel: Titan takes one text per call, Cohere embed a list. */
export async function bedrockEmbeddingsRequest(target: ProviderTarget, credential: ProviderCredential, req: EmbeddingsRequest): Promise<UpstreamRequest> {
  const texts = embeddingTexts(req, 'bedrock');
  const family = bedrockEmbeddingFamily(target.model);
  if (family === 'titan') {
    if (texts.length !== 1) throw new UpstreamError('bad_request', 'bedrock: Titan embedding models take one input per call');
    return signed(target, credential, 'invoke', withPassThrough({ inputText: texts[0], dimensions: req.dimensions }, req.extra), 'application/json');
  }
  if (family === 'cohere') return signed(target, credential, 'invoke', withPassThrough({ texts, input_type: target.options?.input_type ?? 'search_document' }, req.extra), 'application/json');
  throw new UpstreamError('bad_request', `bedrock: embeddings are supported for Titan and Cohere embed models, not ${target.model}`);
}
