import { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';
import { ChatMessage, ChatRequest, CompletionRequest, EmbeddingsRequest, Usage } from '../canonical';

export type EncodingName = 'cl100k_base' | 'o200k_base';

/**
 * The tokenizer of OpenAI's model families: o200k_base for GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and the
 * o-series; cl100k_base for GPT-4, GPT-3.5 and the embeddings models, and as the stand-in for
 * every other provider's model (their tokenizers are not public; counts are estimates anyway).
 */
export function encodingFor(model: string | undefined): EncodingName {
  const m = (model ?? '').toLowerCase().replace(/^.*\//, '');
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o\d)/.test(m) ? 'o200k_base' : 'cl100k_base';
}

const encoders = new Map<EncodingName, Tiktoken>();

/** The ranks are megabytes of text: loaded on first use, once per process. */
function encoder(name: EncodingName): Tiktoken {
  let enc = encoders.get(name);
  if (!enc) {
    // A plain require keeps the load lazy and synchronous; the subpath is only reachable through the package's exports map.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (name === 'o200k_base' ? require('js-tiktoken/ranks/o200k_base') : require('js-tiktoken/ranks/cl100k_base')) as TiktokenBPE | { default: TiktokenBPE };
    // The CommonJS build exports the ranks object itself; an ES-module interop wraps it in `default`.
    enc = new Tiktoken('default' in mod ? mod.default : mod);
    encoders.set(name, enc);
  }
  return enc;
}

/** Tokens of a text. Special-token markup in user text is counted as ordinary text, never refused. */
export function countTokens(text: string, model?: string): number {
  return text ? encoder(encodingFor(model)).encode(text, [], []).length : 0;
}

// OpenAI's published way of counting chat prompts: each message costs 3 tokens of framing plus its
// role and content, a name 1 more, and the reply is primed with 3.
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
/** An image's cost depends on its size, which we do not fetch; this is the low-detail figure. */
const PER_IMAGE = 85;

function messageTokens(m: ChatMessage, model?: string): number {
  let n = PER_MESSAGE + countTokens(m.role, model);
  if (typeof m.content === 'string') n += countTokens(m.content, model);
  else if (Array.isArray(m.content)) for (const p of m.content) n += p.type === 'text' ? countTokens(p.text, model) : PER_IMAGE;
  if (m.name) n += countTokens(m.name, model) + PER_NAME;
  for (const t of m.tool_calls ?? []) n += countTokens(t.function.name, model) + countTokens(t.function.arguments, model);
  if (m.tool_call_id) n += countTokens(m.tool_call_id, model);
  return n;
}

/** Prompt tokens of a chat call (messages, and tool definitions counted as their JSON). */
export function estimateChatPromptTokens(req: ChatRequest, model = req.model): number {
  let n = REPLY_PRIMING;
  for (const m of req.messages) n += messageTokens(m, model);
  if (req.tools?.length) n += countTokens(JSON.stringify(req.tools), model);
  return n;
}

export function estimateCompletionPromptTokens(req: CompletionRequest, model = req.model): number {
  const prompts = Array.isArray(req.prompt) ? req.prompt : [req.prompt];
  return prompts.reduce((n, p) => n + countTokens(p, model), 0);
}

/** Embeddings input: text is tokenized; token arrays are already tokens. */
export function estimateEmbeddingsTokens(input: EmbeddingsRequest['input'], model?: string): number {
  if (typeof input === 'string') return countTokens(input, model);
  let n = 0;
  for (const item of input) {
    if (typeof item === 'string') n += countTokens(item, model);
    else if (typeof item === 'number') n += 1;
    else n += item.length;
  }
  return n;
}

/** Completion tokens of generated text (the concatenated deltas of a stream, say). */
export function estimateCompletionTokens(text: string, model?: string): number {
  return countTokens(text, model);
}

/** A usage record built from counts we made ourselves, marked as such. */
export function estimatedUsage(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, estimated: true };
}
