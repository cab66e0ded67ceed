import { bootstrapService } from '@custos/platform';
import { RegistryModule, registryService } from './app.module';
import { RegistryConfig } from './registry.config';

void bootstrapService<RegistryConfig>(registryService, (config, logger) => RegistryModule.forRoot(config, logger));
