/**
 * What the provider fakes (Anthropic, Gemini, Cohere, Bedrock) answer, chosen by the upstream model
 * name a test puts in its endpoint's target, so e2e tests script errors without touching the fake.
 * Any other model answers normally: text, or a tool call when the request offers tools.
 */
export const FAKE_MODELS = {
  ok: 'fake-model',
  unauthorized: 'fake-401',
  missingModel: 'fake-404',
  rateLimited: 'fake-429',
  contextLength: 'fake-400-context',
  serverError: 'fake-500',
  /** Anthropic's 529 overloaded; the other fakes answer 503 */
  overloaded: 'fake-overloaded',
  /** a stream that sends some text, then the provider's mid-stream error */
  streamError: 'fake-stream-error',
  /** a stream that sends some text, then the connection drops */
  streamBreak: 'fake-stream-break',
} as const;
export type FakeScenario = keyof typeof FAKE_MODELS;

/** A credential value every fake refuses with its provider's 401. */
export const FAKE_BAD_KEY = 'bad-key';
export const FAKE_RETRY_AFTER_SECONDS = 7;
export const FAKE_REPLY_TEXT = 'Hello from the fake upstream.';
/** The arguments of the tool call a fake makes when offered tools. */
export const FAKE_TOOL_INPUT = { location: 'Paris' };
/** Token counts every fake reports (cache counts where the provider has them). */
export const FAKE_USAGE = { input: 12, output: 7, cacheRead: 3, cacheWrite: 2 };
export const FAKE_EMBEDDING = [0.25, -0.5, 0.125];

export interface FakeOptions {
  port?: number;
  /** pause before each streamed piece (latency benchmarks) */
  chunkDelayMs?: number;
}

export function scenarioOf(model: string, key: string | undefined): FakeScenario {
  if (key === FAKE_BAD_KEY) return 'unauthorized';
  const hit = (Object.entries(FAKE_MODELS) as [FakeScenario, string][]).find(([s, name]) => s !== 'ok' && model === name);
  return hit ? hit[0] : 'ok';
}

/** The reply text in the pieces a stream sends. */
export function replyPieces(): string[] {
  return FAKE_REPLY_TEXT.split(/(?<= )/);
}

export function jsonBody(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
