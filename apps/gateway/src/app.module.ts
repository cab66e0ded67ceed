import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { gatewayEnv, GatewayConfig } from './gateway.config';
import { Authenticator } from './auth/authenticator';
import { DenialRecorder } from './proxy/denials';
import { ProxyService } from './proxy/proxy.service';

export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  configSchema: gatewayEnv,
  migrations: [],
};

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot(gatewayService, config, logger)],
      providers: [Authenticator, DenialRecorder, ProxyService],
    };
  }
}
