import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { registryEnv, RegistryConfig } from './registry.config';
import { Lineage1732000000200 } from './migrations/1732000000200-lineage';
import { LineageHandler } from './consumers/lineage.handler';

export const registryService: ServiceDefinition = {
  service: 'registry',
  configSchema: registryEnv,
  migrations: [Lineage1732000000200],
  consumers: [{ name: 'lineage', topics: [topicFor('tracking')], handler: LineageHandler }],
};

@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig, logger: Logger): DynamicModule {
    return { module: RegistryModule, imports: [PlatformModule.forRoot(registryService, config, logger)], providers: [LineageHandler] };
  }
}
