import { Sql } from '@custos/eventing';
import { LoggedModelRow } from '../access/logged-model-access.service';
import { LoggedModelMetricJson, loggedModelJson } from '../http/logged-model-json';
import { doubleJson } from '../http/mlflow-values';

type KeyValueRow = { model_id: string; key: string; value: string };
type MetricRow = { model_id: string; key: string; value: string; timestamp: string; step: string; run_id: string; dataset_name: string; dataset_digest: string };

function byModel(rows: KeyValueRow[]): Map<string, { key: string; value: string }[]> {
  const out = new Map<string, { key: string; value: string }[]>();
  for (const r of rows) out.set(r.model_id, [...(out.get(r.model_id) ?? []), { key: r.key, value: r.value }]);
  return out;
}

/** Whole LoggedModel messages for a page of models: one query per child table for the page. */
export async function loggedModelsJson(sql: Sql, models: readonly LoggedModelRow[]) {
  if (models.length === 0) return [];
  const ids = [models.map((m) => m.model_id)];
  const [tags, params, metricRows] = await Promise.all([
    sql.query(`SELECT model_id, key, value FROM logged_model_tags WHERE model_id = ANY($1::text[]) ORDER BY model_id, key`, ids) as Promise<KeyValueRow[]>,
    sql.query(`SELECT model_id, key, value FROM logged_model_params WHERE model_id = ANY($1::text[]) ORDER BY model_id, key`, ids) as Promise<KeyValueRow[]>,
    sql.query(
      `SELECT model_id, key, value::text AS value, timestamp, step, run_id, dataset_name, dataset_digest FROM logged_model_metrics
       WHERE model_id = ANY($1::text[]) ORDER BY model_id, key, step, timestamp, run_id, dataset_name, dataset_digest`,
      ids,
    ) as Promise<MetricRow[]>,
  ]);
  const [t, p] = [byModel(tags), byModel(params)];
  const metrics = new Map<string, LoggedModelMetricJson[]>();
  for (const r of metricRows) {
    const point: LoggedModelMetricJson = {
      key: r.key,
      value: doubleJson(Number(r.value)),
      timestamp: Number(r.timestamp),
      step: Number(r.step),
      run_id: r.run_id,
      model_id: r.model_id,
      ...(r.dataset_name !== '' ? { dataset_name: r.dataset_name } : {}),
      ...(r.dataset_digest !== '' ? { dataset_digest: r.dataset_digest } : {}),
    };
    metrics.set(r.model_id, [...(metrics.get(r.model_id) ?? []), point]);
  }
  return models.map((m) => loggedModelJson(m, t.get(m.model_id) ?? [], p.get(m.model_id) ?? [], metrics.get(m.model_id) ?? []));
}
