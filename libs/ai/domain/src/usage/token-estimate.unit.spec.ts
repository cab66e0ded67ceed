import { ChatRequest } from '../canonical';
import { countTokens, encodingFor, estimateChatPromptTokens, estimateCompletionPromptTokens, estimateCompletionTokens, estimatedUsage, estimateEmbeddingsTokens } from './token-estimate';

// Known counts from OpenAI's cookbook "How to count tokens with tiktoken".
const COOKBOOK_MESSAGES: ChatRequest['messages'] = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe('token estimation', () => {
  it('picks o200k_base for the GPT-4o / GPT-5 / o-series families and cl100k_base otherwise', () => {
    expect(['gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'o3-mini', 'openai/gpt-4o'].map(encodingFor)).toEqual(Array(5).fill('o200k_base'));
    expect(['gpt-4', 'gpt-3.5-turbo', 'text-embedding-3-small', 'mistral-large-latest', 'llama3', undefined].map(encodingFor)).toEqual(Array(6).fill('cl100k_base'));
  });

  it('counts text as the published tokenizers do', () => {
    expect(countTokens('tiktoken is great!', 'gpt-4')).toBe(6);
    expect(countTokens('tiktoken is great!', 'gpt-4o')).toBe(6);
    expect(countTokens('antidisestablishmentarianism', 'gpt-4')).toBe(6);
    expect(countTokens('hello world', 'gpt-4o')).toBe(2);
    expect(countTokens('', 'gpt-4')).toBe(0);
  });

  it('counts a special-token marker in user text as plain text instead of refusing it', () => {
    expect(countTokens('<|endoftext|>', 'gpt-4')).toBeGreaterThan(1);
  });

  it('counts chat prompts as OpenAI bills them (cookbook: 129 tokens on gpt-4, 124 on gpt-4o)', () => {
    expect(estimateChatPromptTokens({ messages: COOKBOOK_MESSAGES }, 'gpt-4')).toBe(129);
    expect(estimateChatPromptTokens({ messages: COOKBOOK_MESSAGES, model: 'gpt-4o' })).toBe(124);
  });

  it('adds tool definitions and tool calls to the prompt count', () => {
    const base: ChatRequest = { messages: [{ role: 'user', content: 'weather?' }] };
    const withTools: ChatRequest = { ...base, tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }] };
    expect(estimateChatPromptTokens(withTools, 'gpt-4')).toBeGreaterThan(estimateChatPromptTokens(base, 'gpt-4'));
    const call: ChatRequest = {
      messages: [...base.messages, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }],
    };
    expect(estimateChatPromptTokens(call, 'gpt-4')).toBeGreaterThan(estimateChatPromptTokens(base, 'gpt-4') + 3);
  });

  it('counts completions prompts, embeddings inputs and generated text', () => {
    expect(estimateCompletionPromptTokens({ prompt: ['tiktoken is great!', 'hello world'] }, 'gpt-4')).toBe(8);
    expect(estimateEmbeddingsTokens('tiktoken is great!', 'text-embedding-3-small')).toBe(6);
    expect(estimateEmbeddingsTokens([[1, 2, 3], [4]])).toBe(4);
    expect(estimateEmbeddingsTokens([5, 6, 7])).toBe(3);
    expect(estimateCompletionTokens('hello world', 'gpt-4')).toBe(2);
  });

  it('marks its figures as estimated', () => {
    expect(estimatedUsage(10, 4)).toEqual({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, estimated: true });
  });
});
