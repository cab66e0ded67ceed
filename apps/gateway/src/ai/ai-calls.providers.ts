import { Provider } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { CallAttempts } from './calls/call-attempts';
import { CallIntake } from './calls/call-intake';
import { CallPipeline } from './calls/call-pipeline.service';
import { TOKEN_ESTIMATOR } from './calls/call-usage';
import { FrontCodecs } from './calls/front-codecs';
import { ProviderAdapters } from './calls/provider-adapters';
import { AnthropicFrontController } from './fronts/anthropic.controller';
import { DialectCodecs } from './fronts/dialect-codecs';
import { MlflowDeploymentsController } from './fronts/mlflow-deployments.controller';
import { OpenAiFrontController } from './fronts/openai.controller';
import { PROVIDER_ADAPTER_LIST, tokenEstimator } from './ai-translations';
import { AI_PROVIDER_REGISTRY } from './ai-providers';
import { UPSTREAM_RESOLVER, UpstreamClient } from './upstream/upstream-client';
import { USAGE_GROUP_COMMIT, UsageRecorder } from './usage/usage-recorder.service';

/** The AI call path's routes (decision 043); the endpoint admin side registers its own. */
export const aiCallControllers = [OpenAiFrontController, AnthropicFrontController, MlflowDeploymentsController];

/** The call path's pieces; `AiEndpointDirectory` comes from the endpoint admin side (aiConfigProviders, listed before these). */
export function aiCallProviders(config: GatewayConfig): Provider[] {
  return [
    { provide: USAGE_GROUP_COMMIT, useValue: { flushMs: config.AI_USAGE_FLUSH_MS, maxBatch: config.AI_USAGE_MAX_BATCH, settleMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2) } },
    { provide: UPSTREAM_RESOLVER, useValue: null },
    { provide: TOKEN_ESTIMATOR, useValue: tokenEstimator },
    { provide: ProviderAdapters, useValue: new ProviderAdapters(PROVIDER_ADAPTER_LIST) },
    // The endpoint admin side checks targets against the same adapters (registered after its NO_ADAPTERS default, so this one wins).
    { provide: AI_PROVIDER_REGISTRY, useExisting: ProviderAdapters },
    { provide: FrontCodecs, useClass: DialectCodecs },
    UsageRecorder,
    UpstreamClient,
    CallAttempts,
    CallPipeline,
    CallIntake,
  ];
}

/** AI calls read their own bodies (a limit and errors in the caller's dialect), so the JSON body parser leaves them alone. */
export const AI_CALL_BODY_PATHS: RegExp[] = [
  /^\/v1\/(chat\/completions|completions|embeddings|messages)$/,
  /^\/endpoints\/[^/]+\/invocations$/,
  /^\/gateway\/[^/]+\/mlflow\/invocations$/,
  /^\/gateway\/mlflow\/v1\/chat\/completions$/,
];
