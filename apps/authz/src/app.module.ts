import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { authzEnv, AuthzConfig } from './authz.config';
import { AuthFailures1732000000300 } from './migrations/1732000000300-auth-failures';
import { AuthFailuresHandler } from './consumers/auth-failures.handler';

export const authzService: ServiceDefinition = {
  service: 'authz',
  configSchema: authzEnv,
  migrations: [AuthFailures1732000000300],
  consumers: [{ name: 'auth-failures', topics: [topicFor('gateway')], handler: AuthFailuresHandler }],
};

@Module({})
export class AuthzModule {
  static forRoot(config: AuthzConfig, logger: Logger): DynamicModule {
    return { module: AuthzModule, imports: [PlatformModule.forRoot(authzService, config, logger)], providers: [AuthFailuresHandler] };
  }
}
