import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { AccessGrants1732000001000 } from '@custos/access';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { gatewayEnv, GatewayConfig } from './gateway.config';
import { GatewayIdentity1732000000700 } from './migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from './migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from './migrations/1732000000720-gateway-replica-acks';
import { GatewayAiConfig1732000000730 } from './migrations/1732000000730-gateway-ai-config';
import { AiConfigProjection } from './ai/ai-config.projection';
import { aiConfigProviders } from './ai/ai-config.providers';
import { AiEndpointsController } from './ai/ai-endpoints.controller';
import { AiSecretsController } from './ai/ai-secrets.controller';
import { MlflowGatewaySecretsController } from './ai/mlflow-gateway-secrets.controller';
import { RotateAiCredentialKeysCommand } from './ai/rotate-ai-credential-keys.command';
import { ReplicaAcks } from './identity/replica-acks.service';
import { IdentityProjectionHandler } from './identity/identity-projection.handler';
import { CredentialsModule } from './auth/credentials.module';
import { IpRulesProjection } from './ip-rules/ip-rules.projection';
import { IpRules } from './ip-rules/ip-rule-set.service';
import { IpRuleCommands } from './ip-rules/ip-rule-commands.service';
import { IpRulesController } from './ip-rules/ip-rules.controller';
import { DenialRecorder } from './proxy/denials';
import { ProxyService } from './proxy/proxy.service';
import { benchModeProviders } from './bench-mode/bench-authenticator';
import { MlflowInfoController } from './mlflow-ui/mlflow-info.controller';
import { UiAssetsController } from './mlflow-ui/ui-assets.controller';
import { ApiDocsController } from './openapi/api-docs.controller';
import { OpenApiCollector } from './openapi/openapi-collector.service';
import { AI_CALL_BODY_PATHS, aiCallControllers, aiCallProviders } from './ai/ai-calls.providers';

export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  configSchema: gatewayEnv,
  // The access tables hold authz's grants, which the identity consumer applies beside users and keys.
  migrations: [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720, GatewayAiConfig1732000000730, AccessGrants1732000001000],
  // One group for all replicas (they share the database); each replica's caches follow `gw_versions`,
  // and an identity change counts as applied once every live replica's have (decision 031).
  consumers: [{ name: 'identity', topics: [topicFor('authz')], appliedBarrier: ReplicaAcks }],
  projections: [IpRulesProjection, AiConfigProjection],
  commands: { 'rotate-ai-credential-keys': RotateAiCredentialKeysCommand },
  streamedBodyPaths: AI_CALL_BODY_PATHS,
};

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot(gatewayService, config, logger), CredentialsModule],
      controllers: [
        IpRulesController,
        AiSecretsController,
        AiEndpointsController,
        MlflowGatewaySecretsController,
        MlflowInfoController,
        UiAssetsController,
        ApiDocsController,
        IdentityProjectionHandler,
        ...aiCallControllers,
      ],
      providers: [IpRulesProjection, IpRules, IpRuleCommands, DenialRecorder, ProxyService, OpenApiCollector, ...benchModeProviders(config), ...aiConfigProviders(config), ...aiCallProviders(config)],
    };
  }
}
