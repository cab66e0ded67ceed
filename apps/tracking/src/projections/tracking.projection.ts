import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { Projection } from '@custos/eventing';
import { applyExperimentEvent } from './experiments.projection';
import { applyRunEvent, RunMetricsMode } from './runs.projection';
import { applyLoggedModelEvent } from './logged-models.projection';

/**
 * All of tracking's read models. Applied inline in each command's transaction and, for
 * `rebuild-projections`, over the whole store in order; both paths run this same code, except that
 * inline a run's metric history and latest values are marked pending and projected right after
 * commit by `RunMetricsCatchUp` (decision 023).
 */
@Injectable()
export class TrackingProjection implements Projection {
  readonly name = 'tracking-read-models';
  readonly tables = [
    'experiments',
    'experiment_tags',
    'runs',
    'run_params',
    'run_tags',
    'run_latest_metrics',
    'run_metric_batches',
    'run_inputs',
    'run_model_inputs',
    'run_model_outputs',
    'run_metrics_pending',
    'logged_models',
    'logged_model_tags',
    'logged_model_params',
    'logged_model_metrics',
  ];

  apply(tx: EntityManager, event: EventEnvelope): Promise<void> {
    return this.applyOne(tx, event, 'project');
  }

  /** The inline form the command executor takes. */
  readonly inline = async (tx: EntityManager, events: EventEnvelope[]): Promise<void> => {
    for (const e of events) await this.applyOne(tx, e, 'defer');
  };

  private async applyOne(tx: EntityManager, event: EventEnvelope, metrics: RunMetricsMode): Promise<void> {
    if (event.type.startsWith('tracking.Experiment')) return applyExperimentEvent(tx, event);
    if (event.type.startsWith('tracking.LoggedModel')) return applyLoggedModelEvent(tx, event);
    return applyRunEvent(tx, event, metrics);
  }
}
