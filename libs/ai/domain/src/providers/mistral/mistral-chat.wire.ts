import { ChatMessage, ChatRequest, ToolChoice } from '../../canonical';
import { ProviderTarget } from '../../provider-adapter';
import { defined, WireObject, extraFields } from '../shared/wire-json';
import { mistralToolCallId } from './mistral-tool-ids';

/**
 * Mistral's chat body differs from OpenAI's in small ways that it enforces (unknown fields are a 422):
 * `random_seed` not `seed`, `tool_choice: "any"` for "required", no `developer` role, `name` only on
 * tool results, nine-character tool call ids, and no `user`, `logprobs` or `stream_options` (its
 * streams end with usage unasked). `safe_prompt` comes from the target's options or the caller's extras.
 */
export function mistralChatBody(target: ProviderTarget, req: ChatRequest): WireObject {
  const safePrompt = target.options?.['safe_prompt'];
  return defined({
    ...extraFields(req.extra),
    model: target.model,
    messages: req.messages.map(mistralMessage),
    temperature: req.temperature,
    top_p: req.top_p,
    max_tokens: req.max_tokens,
    n: req.n,
    stop: req.stop,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    random_seed: req.seed,
    tools: req.tools,
    tool_choice: req.tool_choice === undefined ? undefined : mistralToolChoice(req.tool_choice),
    parallel_tool_calls: req.parallel_tool_calls,
    response_format: req.response_format,
    safe_prompt: safePrompt === undefined ? undefined : safePrompt === 'true',
    stream: req.stream,
  });
}

function mistralToolChoice(c: ToolChoice): ToolChoice | 'any' {
  return c === 'required' ? 'any' : c;
}

function mistralMessage(m: ChatMessage): WireObject {
  return defined({
    role: m.role === 'developer' ? 'system' : m.role,
    content: m.content === null ? undefined : m.content,
    name: m.role === 'tool' ? m.name : undefined,
    tool_calls: m.tool_calls?.map((t) => ({ ...t, id: mistralToolCallId(t.id) })),
    tool_call_id: m.tool_call_id === undefined ? undefined : mistralToolCallId(m.tool_call_id),
  });
}
