import { bootstrapService } from '@custos/platform';
import { TrackingModule, trackingService } from './app.module';
import { TrackingConfig } from './tracking.config';

void bootstrapService<TrackingConfig>(trackingService, (config, logger) => TrackingModule.forRoot(config, logger));
