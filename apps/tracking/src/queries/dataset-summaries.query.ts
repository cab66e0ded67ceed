import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlParams, TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';

/** MLflow's limits for SearchDatasets (`search_datasets_impl` and its stores). */
const MAX_EXPERIMENT_IDS = 20;
const MAX_SUMMARIES = 1000;

/**
 * MLflow's SearchDatasets: the distinct (experiment, dataset name, digest, context) logged as run
 * inputs in the given experiments, the context being the input's `mlflow.data.context` tag. Only
 * experiments the caller may read are searched, filtered in SQL, as runs/search does.
 */
@Injectable()
export class DatasetSummaries {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
  ) {}

  async search(experimentIds: string[]) {
    if (experimentIds.length === 0) throw TrackingError.invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    if (experimentIds.length > MAX_EXPERIMENT_IDS) {
      throw TrackingError.invalidParameter(`SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS} experiment_ids. Received ${experimentIds.length} experiment_ids.`);
    }
    const p = new SqlParams();
    const ids = p.bind(experimentIds);
    const readable = this.experiments.readableCondition(p);
    const rows = (await this.ds.query(
      `SELECT DISTINCT r.experiment_id, i.dataset_name AS name, i.dataset_digest AS digest,
              (SELECT t->>'value' FROM jsonb_array_elements(i.tags) t WHERE t->>'key' = 'mlflow.data.context' LIMIT 1) AS context
       FROM run_inputs i JOIN runs r ON r.run_id = i.run_id JOIN experiments e ON e.experiment_id = r.experiment_id
       WHERE e.experiment_id = ANY(${ids}::text[]) AND ${readable}
       ORDER BY 1, 2, 3, 4 LIMIT ${p.bind(MAX_SUMMARIES)}`,
      p.values,
    )) as { experiment_id: string; name: string; digest: string; context: string | null }[];
    // MLflow leaves an unset context out of the message.
    return { dataset_summaries: rows.map(({ context, ...rest }) => (context === null ? rest : { ...rest, context })) };
  }
}
