import { TaskType } from './canonical';
import { ProviderTarget } from './provider-adapter';

/** What the gateway does with request parameters its canonical form does not name. */
export const UNKNOWN_PARAM_POLICIES = ['drop', 'pass', 'reject'] as const;
export type UnknownParamPolicy = (typeof UNKNOWN_PARAM_POLICIES)[number];

/** One upstream of an endpoint. Targets of equal `order` share load by `weight`; a higher order is the fallback. */
export interface EndpointTarget extends ProviderTarget {
  /** the stored provider credential (its id; the value never leaves the secret store) */
  secretId: string;
  weight: number;
  order: number;
}

/** Per-call limits, in milliseconds. */
export interface EndpointTimeouts {
  connectMs: number;
  /** from sending the request to the first byte of the reply */
  firstByteMs: number;
  /** longest silence between two chunks of a stream */
  idleMs: number;
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: EndpointTimeouts = { connectMs: 5_000, firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 };

/**
 * An AI endpoint as every gateway replica holds it in memory (built from the gateway's events): the
 * name callers use as `model` (OpenAI, Anthropic) or in the path (MLflow deployments).
 */
export interface AiEndpoint {
  id: string;
  name: string;
  task: TaskType;
  targets: EndpointTarget[];
  timeouts: EndpointTimeouts;
  unknownParams: UnknownParamPolicy;
  tags: Record<string, string>;
  /** the creator's principal id: they hold MANAGE on it */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
