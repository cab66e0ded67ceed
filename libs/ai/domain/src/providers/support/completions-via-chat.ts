import { ChatChunk, ChatRequest, ChatResponse, CompletionChunk, CompletionRequest, CompletionResponse } from '../../canonical';
import { StreamDecoder, TaskTranslation } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';

type ChatTranslation = TaskTranslation<ChatRequest, ChatResponse, ChatChunk>;
type CompletionTranslation = TaskTranslation<CompletionRequest, CompletionResponse, CompletionChunk>;

/**
 * Completions for providers that only have a chat API: the prompt is sent as one user turn and the
 * answer's text comes back as the completion. Options a chat API cannot honour are refused.
 */
export function completionsViaChat(provider: string, chat: ChatTranslation): CompletionTranslation {
  const stream = chat.stream;
  return {
    request: (target, credential, req) => chat.request(target, credential, toChat(provider, req)),
    response: (reply, target) => fromChat(chat.response(reply, target)),
    ...(stream ? { stream: (target) => mapDecoder(stream(target)) } : {}),
  };
}

function toChat(provider: string, req: CompletionRequest): ChatRequest {
  const prompts = typeof req.prompt === 'string' ? [req.prompt] : req.prompt;
  if (prompts.length !== 1) throw new UpstreamError('bad_request', `provider ${provider} takes exactly one prompt per completions call`);
  if (req.echo || req.suffix !== undefined || req.logprobs !== undefined) throw new UpstreamError('bad_request', `echo, suffix and logprobs are not supported by provider ${provider}`);
  const { prompt: _prompt, echo: _echo, suffix: _suffix, logprobs: _logprobs, ...rest } = req;
  return { ...rest, messages: [{ role: 'user', content: prompts[0] }] };
}

function fromChat(res: ChatResponse): CompletionResponse {
  return {
    id: res.id,
    created: res.created,
    model: res.model,
    choices: res.choices.map((c) => ({ index: c.index, text: c.message.content ?? '', finish_reason: c.finish_reason })),
    ...(res.usage ? { usage: res.usage } : {}),
  };
}

function mapDecoder(inner: StreamDecoder<ChatChunk>): StreamDecoder<CompletionChunk> {
  const map = (chunks: ChatChunk[]): CompletionChunk[] =>
    chunks
      // role-only and tool-call deltas carry no completion text
      .filter((c) => c.usage || c.choices.some((ch) => ch.finish_reason !== null || !!ch.delta.content))
      .map((c) => ({
        id: c.id,
        created: c.created,
        model: c.model,
        choices: c.choices.map((ch) => ({ index: ch.index, text: ch.delta.content ?? '', finish_reason: ch.finish_reason })),
        ...(c.usage ? { usage: c.usage } : {}),
      }));
  return { push: (bytes) => map(inner.push(bytes)), end: () => map(inner.end()) };
}
