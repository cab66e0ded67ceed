import { Provider } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { AiConfigProjection } from './ai-config.projection';
import { AiConfigReads } from './ai-config.reads';
import { AiEndpointCommands } from './ai-endpoint-commands.service';
import { AiEndpointDirectory } from './ai-endpoint-directory';
import { AI_PROVIDER_REGISTRY, NO_ADAPTERS } from './ai-providers';
import { AI_CREDENTIAL_KEY_RING, aiCredentialKeyRing } from './ai-secret-keys';
import { AiSecretCommands } from './ai-secret-commands.service';
import { MemoryAiEndpointDirectory } from './memory-endpoint-directory.service';
import { RotateAiCredentialKeysCommand } from './rotate-ai-credential-keys.command';
import { SecretVault } from './secret-vault.service';

/**
 * The AI endpoints' and credentials' admin side and the directory the call path reads. The call
 * path's module overrides AI_PROVIDER_REGISTRY with its adapters (target checks by provider).
 */
export function aiConfigProviders(config: GatewayConfig): Provider[] {
  return [
    { provide: AI_CREDENTIAL_KEY_RING, useValue: aiCredentialKeyRing(config) },
    { provide: AI_PROVIDER_REGISTRY, useValue: NO_ADAPTERS },
    AiConfigProjection,
    AiConfigReads,
    SecretVault,
    AiSecretCommands,
    AiEndpointCommands,
    MemoryAiEndpointDirectory,
    { provide: AiEndpointDirectory, useExisting: MemoryAiEndpointDirectory },
    RotateAiCredentialKeysCommand,
  ];
}
