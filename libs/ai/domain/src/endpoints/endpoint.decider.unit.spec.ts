import { eventCatalog } from '@custos/events';
import { ProviderTarget } from '../provider-adapter';
import { AiConfigError } from './ai-config-error';
import { EndpointCommand, endpointDecider, EndpointEvent, EndpointState, ProviderRegistry, TargetInput } from './endpoint.decider';

const secrets = { s1: { provider: 'openai' }, s2: { provider: 'anthropic' }, s3: { provider: 'azure_openai' } };
const target: TargetInput = { provider: 'openai', model: 'gpt-4o-mini', secretId: 's1' };
const noAdapters: ProviderRegistry = { get: () => undefined };
const decider = endpointDecider(noAdapters);

function run(command: EndpointCommand, given: EndpointEvent[] = [], d = decider): EndpointEvent[] {
  const state = given.reduce<EndpointState>((s, e) => d.evolve(s, JSON.parse(JSON.stringify(e)) as EndpointEvent), d.initialState());
  const out = d.decide(command, state);
  for (const e of out) expect(() => eventCatalog.validateNew(e)).not.toThrow();
  return out;
}

function refused(command: EndpointCommand, given: EndpointEvent[] = [], d = decider): AiConfigError {
  try {
    run(command, given, d);
  } catch (e) {
    expect(e).toBeInstanceOf(AiConfigError);
    return e as AiConfigError;
  }
  throw new Error('expected a refusal');
}

const create = (over: Partial<Extract<EndpointCommand, { type: 'CreateAiEndpoint' }>> = {}): EndpointCommand => ({
  type: 'CreateAiEndpoint',
  endpointId: 'e1',
  name: 'chat',
  task: 'llm/v1/chat',
  targets: [target],
  secrets,
  ...over,
});

describe('AI endpoint decider', () => {
  it('creates with defaults: weight 1, order 0, drop unknown params, default timeouts', () => {
    const [e] = run(create());
    expect(e).toEqual({
      type: 'gateway.AiEndpointCreated',
      data: {
        endpointId: 'e1',
        name: 'chat',
        task: 'llm/v1/chat',
        targets: [{ provider: 'openai', model: 'gpt-4o-mini', secretId: 's1', baseUrl: null, options: {}, weight: 1, order: 0 }],
        timeouts: { connectMs: 5000, firstByteMs: 60000, idleMs: 30000, totalMs: 600000 },
        unknownParams: 'drop',
        tags: {},
      },
    });
  });

  it.each([
    ['a name with a slash', create({ name: 'a/b' }), /endpoint name/],
    ['a name starting with a dot', create({ name: '.x' }), /endpoint name/],
    ['an unknown task', create({ task: 'llm/v1/images' }), /task must be one of/],
    ['no targets', create({ targets: [] }), /at least one target/],
    ['an unknown provider', create({ targets: [{ ...target, provider: 'skynet' }] }), /not a known provider/],
    ['weight 0', create({ targets: [{ ...target, weight: 0 }] }), /weight must be a number greater than 0/],
    ['a negative weight', create({ targets: [{ ...target, weight: -1 }] }), /weight/],
    ['a fractional order', create({ targets: [{ ...target, order: 0.5 }] }), /order must be an integer/],
    ['an empty model', create({ targets: [{ ...target, model: '' }] }), /model must be/],
    ['a secret that does not exist', create({ targets: [{ ...target, secretId: 'nope' }] }), /names no stored credential/],
    ["another provider's secret", create({ targets: [{ ...target, secretId: 's2' }] }), /is a anthropic credential, the target is openai/],
    ['a base URL with credentials', create({ targets: [{ ...target, baseUrl: 'https://u:p@example.com/v1' }] }), /must not carry credentials/],
    ['a base URL that is not http', create({ targets: [{ ...target, baseUrl: 'file:///etc/passwd' }] }), /http or https/],
    ['azure without a base URL', create({ targets: [{ provider: 'azure_openai', model: 'dep', secretId: 's3' }] }), /baseUrl is required for azure_openai/],
    ['a total timeout shorter than another', create({ timeouts: { firstByteMs: 10_000, totalMs: 5_000 } }), /totalMs must be at least/],
    ['a zero timeout', create({ timeouts: { connectMs: 0 } }), /connectMs must be an integer/],
    ['an unknown-parameter policy', create({ unknownParams: 'ignore' }), /unknownParams must be one of/],
  ])('refuses %s with a 400', (_label, command, message) => {
    const e = refused(command);
    expect(e.httpStatus).toBe(400);
    expect(e.message).toMatch(message);
  });

  it('refuses a second endpoint of the same name, and allows the name again after deletion (new id)', () => {
    const [created] = run(create());
    expect(refused(create(), [created]).errorCode).toBe('RESOURCE_ALREADY_EXISTS');
    const [deleted] = run({ type: 'DeleteAiEndpoint', name: 'chat' }, [created]);
    expect(deleted).toEqual({ type: 'gateway.AiEndpointDeleted', data: { endpointId: 'e1', name: 'chat' } });
    expect(run(create({ endpointId: 'e2' }), [created, deleted])[0].data).toMatchObject({ endpointId: 'e2' });
  });

  it('updates by merging what is given onto what is there; an update that changes nothing emits nothing', () => {
    const [created] = run(create({ tags: { team: 'ml' } }));
    const [updated] = run({ type: 'UpdateAiEndpoint', name: 'chat', unknownParams: 'reject', secrets }, [created]);
    expect(updated.type).toBe('gateway.AiEndpointUpdated');
    expect(updated.data).toMatchObject({ endpointId: 'e1', name: 'chat', unknownParams: 'reject', tags: { team: 'ml' }, targets: (created.data as { targets: unknown }).targets });
    expect(run({ type: 'UpdateAiEndpoint', name: 'chat', tags: { team: 'ml' }, secrets }, [created])).toEqual([]);
    // The update is validated like a creation.
    expect(refused({ type: 'UpdateAiEndpoint', name: 'chat', targets: [{ ...target, weight: 0 }], secrets }, [created]).httpStatus).toBe(400);
  });

  it('update and delete of an endpoint that does not exist are 404s', () => {
    expect(refused({ type: 'UpdateAiEndpoint', name: 'x', secrets }).errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
    const [created] = run(create());
    const [deleted] = run({ type: 'DeleteAiEndpoint', name: 'chat' }, [created]);
    expect(refused({ type: 'DeleteAiEndpoint', name: 'chat' }, [created, deleted]).httpStatus).toBe(404);
  });

  it("asks the provider's adapter what a target needs, and whether it serves the task", () => {
    const seen: ProviderTarget[] = [];
    const adapters: ProviderRegistry = {
      get: (name) =>
        name === 'openai'
          ? {
              chat: {} as never,
              validateTarget: (t) => {
                seen.push(t);
                return t.options?.api_version ? [] : ['options.api_version is required'];
              },
            }
          : undefined,
    };
    const d = endpointDecider(adapters);
    expect(refused(create(), [], d).message).toMatch(/targets\[0\]: options.api_version is required/);
    expect(run(create({ targets: [{ ...target, options: { api_version: '2024-10-21' } }] }), [], d)).toHaveLength(1);
    expect(seen[1]).toEqual({ provider: 'openai', model: 'gpt-4o-mini', options: { api_version: '2024-10-21' } });
    expect(refused(create({ task: 'llm/v1/embeddings', targets: [{ ...target, options: { api_version: 'x' } }] }), [], d).message).toMatch(/does not serve llm\/v1\/embeddings/);
  });
});
