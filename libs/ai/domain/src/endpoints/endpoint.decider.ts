import { AiEndpointCreated, AiEndpointDeleted, AiEndpointUpdated, Decider, EventData } from '@custos/events';
import { TASK_TYPES, TaskType } from '../canonical';
import { DEFAULT_TIMEOUTS, EndpointTimeouts, UNKNOWN_PARAM_POLICIES, UnknownParamPolicy } from '../endpoint';
import { ProviderAdapter, ProviderName, supportsTask } from '../provider-adapter';
import { AiConfigError, checkName, invalid } from './ai-config-error';
import { isProvider } from './credential-input';

/** A target as an admin writes it; weight and order default to 1 and 0. */
export interface TargetInput {
  provider: string;
  model: string;
  secretId: string;
  baseUrl?: string | null;
  options?: Record<string, string>;
  weight?: number;
  order?: number;
}

export interface EndpointInput {
  task: string;
  targets: TargetInput[];
  timeouts?: Partial<EndpointTimeouts>;
  unknownParams?: string;
  tags?: Record<string, string>;
}

/** The credentials the command's targets name, as the command handler found them (absent: no such secret). */
export type KnownSecrets = Readonly<Record<string, { provider: string }>>;

/** The adapters this gateway has; a known provider without one gets only the checks every target gets. */
export interface ProviderRegistry {
  get(name: ProviderName): Pick<ProviderAdapter, 'validateTarget' | 'chat' | 'completions' | 'embeddings'> | undefined;
}

export type EndpointConfig = EventData<typeof AiEndpointCreated>;

export type EndpointCommand =
  | ({ type: 'CreateAiEndpoint'; endpointId: string; name: string; secrets: KnownSecrets } & EndpointInput)
  /** Fields left out keep their value; `targets`, `timeouts` and `tags` are replaced whole when given. */
  | ({ type: 'UpdateAiEndpoint'; name: string; secrets: KnownSecrets } & Partial<EndpointInput>)
  | { type: 'DeleteAiEndpoint'; name: string };

export type EndpointEvent =
  | { type: 'gateway.AiEndpointCreated'; data: EndpointConfig }
  | { type: 'gateway.AiEndpointUpdated'; data: EventData<typeof AiEndpointUpdated> }
  | { type: 'gateway.AiEndpointDeleted'; data: EventData<typeof AiEndpointDeleted> };

export type EndpointState = { status: 'absent' } | { status: 'active'; endpoint: EndpointConfig } | { status: 'deleted'; endpointId: string };

/** One stream per endpoint name: a deleted name may be created again (as a new endpoint, new id). */
export const aiEndpointStreamId = (name: string) => `ai-endpoint-${name}`;

const MAX_TARGETS = 16;
const MAX_TAGS = 64;
const MAX_OPTIONS = 32;
const MAX_TIMEOUT_MS = 3_600_000;
const OPTION_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const TAG_KEY = /^[^\s][^\r\n]{0,127}$/;

export function endpointDecider(providers: ProviderRegistry): Decider<EndpointCommand, EndpointEvent, EndpointState> {
  return {
    stateVersion: 1,
    initialState: () => ({ status: 'absent' }),
    decide(command, state) {
      switch (command.type) {
        case 'CreateAiEndpoint': {
          checkName('endpoint', command.name);
          if (state.status === 'active') throw new AiConfigError('RESOURCE_ALREADY_EXISTS', `endpoint ${command.name} already exists`);
          const data = { endpointId: command.endpointId, name: command.name, ...validConfig(command, command.secrets, providers) };
          return [{ type: 'gateway.AiEndpointCreated', data }];
        }
        case 'UpdateAiEndpoint': {
          if (state.status !== 'active') throw notFound(command.name);
          const current = state.endpoint;
          const merged: EndpointInput = {
            task: command.task ?? current.task,
            targets: command.targets ?? current.targets,
            timeouts: command.timeouts ?? current.timeouts,
            unknownParams: command.unknownParams ?? current.unknownParams,
            tags: command.tags ?? current.tags,
          };
          const data = { endpointId: current.endpointId, name: current.name, ...validConfig(merged, command.secrets, providers) };
          if (JSON.stringify(data) === JSON.stringify(current)) return [];
          return [{ type: 'gateway.AiEndpointUpdated', data }];
        }
        case 'DeleteAiEndpoint':
          if (state.status !== 'active') throw notFound(command.name);
          return [{ type: 'gateway.AiEndpointDeleted', data: { endpointId: state.endpoint.endpointId, name: state.endpoint.name } }];
        default: {
          const never: never = command;
          throw new Error(`unknown command ${(never as { type: string }).type}`);
        }
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'gateway.AiEndpointCreated':
        case 'gateway.AiEndpointUpdated':
          return { status: 'active', endpoint: event.data };
        case 'gateway.AiEndpointDeleted':
          return { status: 'deleted', endpointId: event.data.endpointId };
        default:
          return state;
      }
    },
  };
}

const notFound = (name: string) => new AiConfigError('RESOURCE_DOES_NOT_EXIST', `endpoint ${name} does not exist`);

function validConfig(input: EndpointInput, secrets: KnownSecrets, providers: ProviderRegistry): Omit<EndpointConfig, 'endpointId' | 'name'> {
  if (!(TASK_TYPES as readonly string[]).includes(input.task)) throw invalid(`task must be one of ${TASK_TYPES.join(', ')}`);
  const task = input.task as TaskType;
  if (!Array.isArray(input.targets) || input.targets.length === 0) throw invalid('an endpoint needs at least one target');
  if (input.targets.length > MAX_TARGETS) throw invalid(`an endpoint has at most ${MAX_TARGETS} targets`);
  const targets = input.targets.map((t, i) => validTarget(t, i, task, secrets, providers));
  const unknownParams = (input.unknownParams ?? 'drop') as UnknownParamPolicy;
  if (!UNKNOWN_PARAM_POLICIES.includes(unknownParams)) throw invalid(`unknownParams must be one of ${UNKNOWN_PARAM_POLICIES.join(', ')}`);
  return { task, targets, timeouts: validTimeouts(input.timeouts), unknownParams, tags: validTags(input.tags ?? {}) };
}

function validTarget(t: TargetInput, i: number, task: TaskType, secrets: KnownSecrets, providers: ProviderRegistry): EndpointConfig['targets'][number] {
  const at = `targets[${i}]`;
  if (!isProvider(t.provider)) throw invalid(`${at}.provider ${JSON.stringify(String(t.provider).slice(0, 64))} is not a known provider`);
  if (typeof t.model !== 'string' || t.model.length === 0 || t.model.length > 256) throw invalid(`${at}.model must be 1-256 characters`);
  const weight = t.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1_000_000) throw invalid(`${at}.weight must be a number greater than 0`);
  const order = t.order ?? 0;
  if (!Number.isInteger(order) || order < 0 || order > 1000) throw invalid(`${at}.order must be an integer from 0 to 1000`);
  const baseUrl = t.baseUrl ?? null;
  if (baseUrl !== null) checkBaseUrl(at, baseUrl);
  const options = t.options ?? {};
  const optionEntries = Object.entries(options);
  if (optionEntries.length > MAX_OPTIONS) throw invalid(`${at}.options has more than ${MAX_OPTIONS} entries`);
  for (const [k, v] of optionEntries) {
    if (!OPTION_KEY.test(k)) throw invalid(`${at}.options key ${JSON.stringify(k.slice(0, 64))} is not a valid option name`);
    if (typeof v !== 'string' || v.length > 1024) throw invalid(`${at}.options.${k} must be a string of at most 1024 characters`);
  }
  const secret = secrets[t.secretId];
  if (!secret) throw invalid(`${at}.secretId names no stored credential`);
  if (secret.provider !== t.provider) throw invalid(`${at}.secretId is a ${secret.provider} credential, the target is ${t.provider}`);
  const target = { provider: t.provider, model: t.model, ...(baseUrl !== null ? { baseUrl } : {}), options };
  const adapter = providers.get(t.provider);
  if (adapter) {
    if (!supportsTask(adapter as ProviderAdapter, task)) throw invalid(`${at}: provider ${t.provider} does not serve ${task}`);
    const problems = adapter.validateTarget(target);
    if (problems.length > 0) throw invalid(`${at}: ${problems.join('; ')}`);
  } else if ((t.provider === 'openai_compatible' || t.provider === 'azure_openai') && baseUrl === null) {
    throw invalid(`${at}.baseUrl is required for ${t.provider}`);
  }
  return { provider: t.provider, model: t.model, secretId: t.secretId, baseUrl, options, weight, order };
}

/** Where the gateway may connect is decided at connect time (SSRF rules); here only the form. */
function checkBaseUrl(at: string, raw: string): void {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalid(`${at}.baseUrl is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid(`${at}.baseUrl must be http or https`);
  if (u.username || u.password) throw invalid(`${at}.baseUrl must not carry credentials (store them as a secret)`);
  if (u.search || u.hash) throw invalid(`${at}.baseUrl must not have a query or fragment`);
  if (raw.length > 2048) throw invalid(`${at}.baseUrl is longer than 2048 characters`);
}

function validTimeouts(given: Partial<EndpointTimeouts> | undefined): EndpointTimeouts {
  const t = { ...DEFAULT_TIMEOUTS, ...(given ?? {}) };
  for (const k of ['connectMs', 'firstByteMs', 'idleMs', 'totalMs'] as const) {
    const v = t[k];
    if (!Number.isInteger(v) || v < 1 || v > MAX_TIMEOUT_MS) throw invalid(`timeouts.${k} must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (t.connectMs > t.totalMs || t.firstByteMs > t.totalMs || t.idleMs > t.totalMs) throw invalid('timeouts.totalMs must be at least every other timeout');
  return { connectMs: t.connectMs, firstByteMs: t.firstByteMs, idleMs: t.idleMs, totalMs: t.totalMs };
}

function validTags(tags: Record<string, string>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw invalid(`an endpoint has at most ${MAX_TAGS} tags`);
  for (const [k, v] of entries) {
    if (!TAG_KEY.test(k)) throw invalid(`tag key ${JSON.stringify(k.slice(0, 64))} must be 1-128 characters on one line`);
    if (typeof v !== 'string' || v.length > 1024) throw invalid(`tag ${k} must be a string of at most 1024 characters`);
  }
  return Object.fromEntries(entries);
}
