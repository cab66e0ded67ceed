import { Sql } from '@custos/eventing';

/** MLflow caps the summaries one request answers (its store's MAX_DATASET_SUMMARIES_RESULTS). */
export const DATASET_SUMMARIES_LIMIT = 1000;

export interface DatasetSummaryRow {
  experiment_id: string;
  name: string;
  digest: string;
  context: string | null;
}

/**
 * The distinct datasets the runs of these experiments took as input, each with the context it was
 * logged for (the `mlflow.data.context` input tag, null when absent); runs of every lifecycle stage
 * count, as in MLflow, where a dataset belongs to its experiment once logged.
 */
export async function datasetSummaries(sql: Sql, experimentIds: readonly string[]): Promise<DatasetSummaryRow[]> {
  return (await sql.query(
    `SELECT DISTINCT r.experiment_id, i.dataset_name AS name, i.dataset_digest AS digest,
            (SELECT t->>'value' FROM jsonb_array_elements(i.tags) t WHERE t->>'key' = 'mlflow.data.context' LIMIT 1) AS context
     FROM run_inputs i JOIN runs r ON r.run_id = i.run_id
     WHERE r.experiment_id = ANY($1::text[])
     ORDER BY 1, 2, 3, 4 LIMIT $2`,
    [[...experimentIds], DATASET_SUMMARIES_LIMIT],
  )) as DatasetSummaryRow[];
}
