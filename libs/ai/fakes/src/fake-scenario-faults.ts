import { FAKE_RETRY_AFTER_SECONDS, FakeScenario, scenarioOf } from './fake-scenarios';
import type { FakeFault } from './openai-fake-errors';

/** The shared scenarios of fake-scenarios.ts (model `fake-429`, key `bad-key`, ...) as the OpenAI family's faults. */
const SCENARIO_FAULTS: Record<Exclude<FakeScenario, 'ok'>, FakeFault> = {
  unauthorized: 'auth',
  missingModel: 'not_found',
  rateLimited: 'rate_limited',
  contextLength: 'context_length',
  serverError: 'server',
  overloaded: 'overloaded',
  streamError: 'stream_error',
  streamBreak: 'stream_break',
};

/** The fault a shared scenario model or the shared bad key asks for; undefined for a normal answer. */
export function scenarioFault(model: string, key: string | undefined): { fault: FakeFault; retryAfterSec?: number } | undefined {
  const scenario = scenarioOf(model, key);
  if (scenario === 'ok') return undefined;
  return { fault: SCENARIO_FAULTS[scenario], retryAfterSec: scenario === 'rateLimited' ? FAKE_RETRY_AFTER_SECONDS : undefined };
}

/** The key a request carries: a bearer token, or Azure's api-key header. */
export function keyOf(headers: Record<string, string>): string | undefined {
  return /^Bearer (\S+)/.exec(headers['authorization'] ?? '')?.[1] ?? (headers['api-key'] || undefined);
}
