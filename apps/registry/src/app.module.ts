import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { AccessGrants1732000001000, AccessProjectionHandler, GrantsPolicyLoader } from '@custos/access';
import { registryEnv, RegistryConfig } from './registry.config';
import { Lineage1732000000200 } from './migrations/1732000000200-lineage';
import { LineageHandler } from './consumers/lineage.handler';

export const registryService: ServiceDefinition = {
  service: 'registry',
  configSchema: registryEnv,
  migrations: [Lineage1732000000200, AccessGrants1732000001000],
  consumers: [
    { name: 'lineage', topics: [topicFor('tracking')] },
    { name: 'access', topics: [topicFor('authz')] },
  ],
  policyContextLoader: GrantsPolicyLoader,
};

@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig, logger: Logger): DynamicModule {
    return { module: RegistryModule, imports: [PlatformModule.forRoot(registryService, config, logger)], controllers: [LineageHandler, AccessProjectionHandler] };
  }
}
