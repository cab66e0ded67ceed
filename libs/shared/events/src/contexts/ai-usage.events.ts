import { z } from 'zod/v4';
import { defineEvent } from '../schema-registry';

const count = z.number().int().nonnegative();
const ms = z.number().int().nonnegative();

/**
 * One AI call through the gateway, successful or not: who called which endpoint, which upstream
 * answered, how many tokens and how long. Never the prompt, the reply or the provider credential.
 * The caller, its address and the request id travel in the envelope's metadata (actor, clientIp,
 * correlationId) as for every event; they are repeated here so usage reports read one record.
 */
export const AiCallCompleted = defineEvent('gateway.AiCallCompleted', {
  version: 1,
  schema: z.object({
    principal: z.string().min(1).max(256),
    /** the API key the caller presented, when it was one (its id, never the key) */
    keyId: z.string().max(128).optional(),
    endpoint: z.string().min(1).max(256),
    /** the provider and upstream model of the target that answered (or was tried last) */
    provider: z.string().max(64).optional(),
    upstreamModel: z.string().max(256).optional(),
    /** the front the caller spoke: openai, anthropic or mlflow */
    front: z.enum(['openai', 'anthropic', 'mlflow']),
    task: z.enum(['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings']).optional(),
    tokensIn: count,
    tokensOut: count,
    tokensCached: count,
    /** the counts were computed by the gateway's tokenizer: the provider gave none */
    estimated: z.boolean(),
    latencyMs: ms,
    /** from the call's arrival to the first byte sent back; absent when nothing was sent */
    timeToFirstTokenMs: ms.optional(),
    /** the HTTP status the caller received */
    status: z.number().int().min(100).max(599),
    /** the UpstreamError kind or the gateway's refusal, when the call failed */
    errorClass: z.string().max(64).optional(),
    retries: count,
    fallbackUsed: z.boolean(),
    streamed: z.boolean(),
    clientAddress: z.string().max(64).optional(),
    correlationId: z.string().min(1).max(128),
  }),
});

export const aiUsageEvents = [AiCallCompleted];
