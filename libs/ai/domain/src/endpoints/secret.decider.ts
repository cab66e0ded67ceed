import { AiSecretCreated, AiSecretDeleted, AiSecretRotated, Decider, EventData } from '@custos/events';
import { AiConfigError, checkName, invalid } from './ai-config-error';
import { isProvider } from './credential-input';

export type SecretFacts = EventData<typeof AiSecretCreated>;

/**
 * Commands carry only the masked hint: the value itself is sealed by the command handler and
 * written beside the event, never given to the decider (so it cannot reach an event).
 */
export type SecretCommand =
  | { type: 'CreateAiSecret'; secretId: string; name: string; provider: string; hint: string }
  | { type: 'RotateAiSecret'; secretId: string; hint: string }
  /** `usedBy`: the endpoints whose targets name it, as the handler found them. */
  | { type: 'DeleteAiSecret'; secretId: string; usedBy: readonly string[] };

export type SecretEvent =
  | { type: 'gateway.AiSecretCreated'; data: SecretFacts }
  | { type: 'gateway.AiSecretRotated'; data: EventData<typeof AiSecretRotated> }
  | { type: 'gateway.AiSecretDeleted'; data: EventData<typeof AiSecretDeleted> };

export type SecretState = { status: 'absent' } | { status: 'active'; secret: SecretFacts } | { status: 'deleted' };

export const aiSecretStreamId = (secretId: string) => `ai-secret-${secretId}`;

const notFound = (id: string) => new AiConfigError('RESOURCE_DOES_NOT_EXIST', `secret ${id} does not exist`);

/** Names are unique across secrets: the read model's unique index says so, as with IP rules. */
export const aiSecretDecider: Decider<SecretCommand, SecretEvent, SecretState> = {
  stateVersion: 1,
  initialState: () => ({ status: 'absent' }),
  decide(command, state) {
    switch (command.type) {
      case 'CreateAiSecret':
        checkName('secret', command.name);
        if (!isProvider(command.provider)) throw invalid(`provider ${JSON.stringify(command.provider.slice(0, 64))} is not a known provider`);
        if (state.status !== 'absent') throw new AiConfigError('RESOURCE_ALREADY_EXISTS', `secret ${command.secretId} already exists`);
        return [{ type: 'gateway.AiSecretCreated', data: { secretId: command.secretId, name: command.name, provider: command.provider, hint: command.hint } }];
      case 'RotateAiSecret': {
        if (state.status !== 'active') throw notFound(command.secretId);
        const { secretId, name, provider } = state.secret;
        return [{ type: 'gateway.AiSecretRotated', data: { secretId, name, provider, hint: command.hint } }];
      }
      case 'DeleteAiSecret':
        if (state.status !== 'active') throw notFound(command.secretId);
        if (command.usedBy.length > 0) throw new AiConfigError('INVALID_STATE', `secret ${state.secret.name} is used by endpoint(s) ${command.usedBy.join(', ')}; change them first`);
        return [{ type: 'gateway.AiSecretDeleted', data: { secretId: state.secret.secretId, name: state.secret.name } }];
      default: {
        const never: never = command;
        throw new Error(`unknown command ${(never as { type: string }).type}`);
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'gateway.AiSecretCreated':
        return { status: 'active', secret: event.data };
      case 'gateway.AiSecretRotated':
        return state.status === 'active' ? { status: 'active', secret: { ...state.secret, hint: event.data.hint } } : state;
      case 'gateway.AiSecretDeleted':
        return { status: 'deleted' };
      default:
        return state;
    }
  },
};
