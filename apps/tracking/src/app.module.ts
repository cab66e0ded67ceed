import { DynamicModule, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { PlatformModule, ServiceDefinition } from '@custos/platform';
import { trackingEnv, TrackingConfig } from './tracking.config';
import { TrackingReadModels1732000000400 } from './migrations/1732000000400-tracking-read-models';
import { TrackingProjection } from './projections/tracking.projection';
import { ExperimentAccess } from './access/experiment-access.service';
import { ExperimentCommands } from './commands/experiment-commands.service';
import { DefaultExperimentTask } from './commands/default-experiment.task';
import { ExperimentsController } from './controllers/experiments.controller';

export const trackingService: ServiceDefinition = {
  service: 'tracking',
  configSchema: trackingEnv,
  migrations: [TrackingReadModels1732000000400],
  projections: [TrackingProjection],
  startupTasks: [DefaultExperimentTask],
};

@Module({})
export class TrackingModule {
  static forRoot(config: TrackingConfig, logger: Logger): DynamicModule {
    return {
      module: TrackingModule,
      imports: [PlatformModule.forRoot(trackingService, config, logger)],
      controllers: [ExperimentsController],
      providers: [TrackingProjection, ExperimentAccess, ExperimentCommands, DefaultExperimentTask],
    };
  }
}
