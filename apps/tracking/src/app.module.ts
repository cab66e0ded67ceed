import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { topicFor } from '@custos/events';
import { AccessGrants1732000001000, AccessProjectionHandler, GrantsPolicyLoader } from '@custos/access';
import { trackingEnv, TrackingConfig } from './tracking.config';
import { TrackingReadModels1732000000400 } from './migrations/1732000000400-tracking-read-models';
import { TrackingProjection } from './projections/tracking.projection';
import { ExperimentAccess } from './access/experiment-access.service';
import { ExperimentCommands } from './commands/experiment-commands.service';
import { DefaultExperimentTask } from './commands/default-experiment.task';
import { ExperimentsController } from './controllers/experiments.controller';
import { DatasetsController } from './controllers/datasets.controller';
import { RunsAndLoggedModels1732000000500 } from './migrations/1732000000500-runs-and-logged-models';
import { RunAccess } from './access/run-access.service';
import { LoggedModelAccess } from './access/logged-model-access.service';
import { RunCommands } from './commands/run-commands.service';
import { LoggedModelCommands } from './commands/logged-model-commands.service';
import { ExperimentLifecycle } from './commands/experiment-lifecycle.service';
import { RunsController } from './controllers/runs.controller';
import { RunDataController } from './controllers/run-data.controller';
import { MetricsController } from './controllers/metrics.controller';
import { LoggedModelsController } from './controllers/logged-models.controller';
import { Artifacts1732000000600 } from './migrations/1732000000600-artifacts';
import { LoggedModelMetrics1732000000700 } from './migrations/1732000000700-logged-model-metrics';
import { MetricHistoryBatches1732000000800 } from './migrations/1732000000800-metric-history-batches';
import { LatestMetricsHotUpdates1732000000900 } from './migrations/1732000000900-latest-metrics-hot-updates';
import { RunMetricsPending1732000001100 } from './migrations/1732000001100-run-metrics-pending';
import { RunMetricsCatchUp } from './projections/run-metrics-catch-up';
import { graphqlControllers, readProviders } from './graphql/graphql.providers';
import { ARTIFACT_STREAMED_BODY_PATHS, ArtifactBucketTask, artifactControllers, artifactProviders, RotateArtifactKeysCommand } from './artifacts/artifacts.providers';

export const trackingService: ServiceDefinition = {
  service: 'tracking',
  configSchema: trackingEnv,
  migrations: [
    TrackingReadModels1732000000400,
    AccessGrants1732000001000,
    RunsAndLoggedModels1732000000500,
    Artifacts1732000000600,
    LoggedModelMetrics1732000000700,
    MetricHistoryBatches1732000000800,
    LatestMetricsHotUpdates1732000000900,
    RunMetricsPending1732000001100,
  ],
  projections: [TrackingProjection],
  startupTasks: [DefaultExperimentTask, ArtifactBucketTask, RunMetricsCatchUp],
  commands: { 'rotate-artifact-keys': RotateArtifactKeysCommand },
  streamedBodyPaths: ARTIFACT_STREAMED_BODY_PATHS,
  consumers: [{ name: 'access', topics: [topicFor('authz')] }],
  policyContextLoader: GrantsPolicyLoader,
};

@Module({})
export class TrackingModule {
  static forRoot(config: TrackingConfig, logger: Logger): DynamicModule {
    return {
      module: TrackingModule,
      imports: [PlatformModule.forRoot(trackingService, config, logger)],
      controllers: [
        ExperimentsController,
        DatasetsController,
        RunsController,
        RunDataController,
        MetricsController,
        LoggedModelsController,
        AccessProjectionHandler,
        ...artifactControllers,
        ...graphqlControllers,
      ],
      providers: [
        TrackingProjection,
        ExperimentAccess,
        ExperimentCommands,
        DefaultExperimentTask,
        RunAccess,
        LoggedModelAccess,
        RunCommands,
        RunMetricsCatchUp,
        LoggedModelCommands,
        ExperimentLifecycle,
        ...artifactProviders(config),
        ...readProviders,
      ],
    };
  }
}
