import { ChatMessage, ChatRequest, ContentPart, ToolChoice } from '../../canonical';
import { ProviderCredential, ProviderTarget, UpstreamRequest } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { dataUrl, isSystem, mergeSameRole, textOf, unsupported } from '../support/message-content';
import { compact, joinUrl, JsonObject, parseArguments, withPassThrough } from '../support/wire-json';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';
/**
 * The Messages API requires max_tokens; OpenAI-style callers may leave it out. 4096 is within every
 * current Claude model's output limit; a target may set its own with `options.max_tokens`.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block = JsonObject;
interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
}

export function anthropicChatRequest(target: ProviderTarget, credential: ProviderCredential, req: ChatRequest): UpstreamRequest {
  const key = credential.api_key;
  if (!key) throw new UpstreamError('auth', 'anthropic: the stored credential has no api_key');
  if (req.n !== undefined && req.n > 1) throw unsupported('anthropic', 'n > 1');
  if (req.logprobs) throw unsupported('anthropic', 'logprobs');
  if (req.response_format && req.response_format.type !== 'text') throw unsupported('anthropic', `response_format ${req.response_format.type}`);

  const system = req.messages.filter(isSystem).map((m) => textOf(m.content));
  const turns = mergeSameRole(req.messages.filter((m) => !isSystem(m)).map(toTurn));
  const maxTokens = req.max_tokens ?? (Number(target.options?.max_tokens) || ANTHROPIC_DEFAULT_MAX_TOKENS);
  const tools = req.tools;
  const body = withPassThrough(
    {
      model: target.model,
      max_tokens: maxTokens,
      messages: turns.map((t) => ({ role: t.role, content: t.blocks })),
      system: system.length ? system.join('\n\n') : undefined,
      temperature: req.temperature,
      top_p: req.top_p,
      stop_sequences: req.stop?.length ? req.stop : undefined,
      stream: req.stream ? true : undefined,
      metadata: req.user ? { user_id: req.user } : undefined,
      tools: tools?.map((t) => compact({ name: t.function.name, description: t.function.description, input_schema: t.function.parameters ?? { type: 'object', properties: {} } })),
      tool_choice: tools?.length ? toolChoice(req.tool_choice, req.parallel_tool_calls) : undefined,
    },
    req.extra,
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-api-key': key,
    'anthropic-version': target.options?.version ?? ANTHROPIC_VERSION,
  };
  if (target.options?.beta) headers['anthropic-beta'] = target.options.beta;
  if (req.stream) headers.accept = 'text/event-stream';
  return { method: 'POST', url: joinUrl(target.baseUrl ?? ANTHROPIC_BASE_URL, '/v1/messages'), headers, body: JSON.stringify(body) };
}

function toolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): JsonObject | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...noParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  return { type: 'tool', name: choice.function.name, ...noParallel };
}

function toTurn(m: ChatMessage): Turn {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw new UpstreamError('bad_request', 'a tool message needs tool_call_id');
    return { role: 'user', blocks: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: textOf(m.content) }] };
  }
  if (m.role === 'assistant') {
    const text = textOf(m.content);
    const blocks: Block[] = text ? [{ type: 'text', text }] : [];
    for (const c of m.tool_calls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.function.name, input: parseArguments(c.function.arguments, 'anthropic') });
    return { role: 'assistant', blocks };
  }
  const content = m.content;
  return { role: 'user', blocks: typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []).map(userBlock) };
}

function userBlock(p: ContentPart): Block {
  if (p.type === 'text') return { type: 'text', text: p.text };
  const inline = dataUrl(p.image_url.url);
  return inline ? { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.base64 } } : { type: 'image', source: { type: 'url', url: p.image_url.url } };
}
