import { eventCatalog } from '@custos/events';
import { AiConfigError } from './ai-config-error';
import { SecretCommand, aiSecretDecider as d, SecretEvent, SecretState } from './secret.decider';

function run(command: SecretCommand, given: SecretEvent[] = []): SecretEvent[] {
  const state = given.reduce<SecretState>((s, e) => d.evolve(s, e), d.initialState());
  const out = d.decide(command, state);
  for (const e of out) expect(() => eventCatalog.validateNew(e)).not.toThrow();
  return out;
}

function refused(command: SecretCommand, given: SecretEvent[] = []): AiConfigError {
  try {
    run(command, given);
  } catch (e) {
    expect(e).toBeInstanceOf(AiConfigError);
    return e as AiConfigError;
  }
  throw new Error('expected a refusal');
}

const create: SecretCommand = { type: 'CreateAiSecret', secretId: 's1', name: 'openai-prod', provider: 'openai', hint: 'sk-...abcd' };

describe('AI secret decider', () => {
  it('creates, rotates (new hint) and deletes; events carry id, name, provider and hint only', () => {
    const [created] = run(create);
    expect(created).toEqual({ type: 'gateway.AiSecretCreated', data: { secretId: 's1', name: 'openai-prod', provider: 'openai', hint: 'sk-...abcd' } });
    const [rotated] = run({ type: 'RotateAiSecret', secretId: 's1', hint: 'sk-...wxyz' }, [created]);
    expect(rotated).toEqual({ type: 'gateway.AiSecretRotated', data: { secretId: 's1', name: 'openai-prod', provider: 'openai', hint: 'sk-...wxyz' } });
    const [deleted] = run({ type: 'DeleteAiSecret', secretId: 's1', usedBy: [] }, [created, rotated]);
    expect(deleted).toEqual({ type: 'gateway.AiSecretDeleted', data: { secretId: 's1', name: 'openai-prod' } });
    expect(refused({ type: 'RotateAiSecret', secretId: 's1', hint: 'x' }, [created, deleted]).httpStatus).toBe(404);
  });

  it('refuses bad names, unknown providers, a second creation, and deleting a secret endpoints still use', () => {
    expect(refused({ ...create, name: 'has space' } as SecretCommand).httpStatus).toBe(400);
    expect(refused({ ...create, provider: 'skynet' } as SecretCommand).message).toMatch(/not a known provider/);
    const [created] = run(create);
    expect(refused(create, [created]).errorCode).toBe('RESOURCE_ALREADY_EXISTS');
    const inUse = refused({ type: 'DeleteAiSecret', secretId: 's1', usedBy: ['chat', 'embed'] }, [created]);
    expect(inUse.errorCode).toBe('INVALID_STATE');
    expect(inUse.message).toMatch(/used by endpoint\(s\) chat, embed/);
  });
});
