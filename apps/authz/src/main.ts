import { bootstrapService } from '@custos/platform';
import { AuthzModule, authzService } from './app.module';
import { AuthzConfig } from './authz.config';

void bootstrapService<AuthzConfig>(authzService, (config, logger) => AuthzModule.forRoot(config, logger));
