import { Sql } from '@custos/eventing';
import { RunRow } from '../access/run-access.service';
import { metricJson, MetricRow, runInfoJson } from '../http/run-json';

interface KeyValueRow {
  run_id: string;
  key: string;
  value: string;
}

function groupBy<T extends { run_id: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.run_id, [...(out.get(r.run_id) ?? []), r]);
  return out;
}

/**
 * Whole MLflow Run messages for a page of runs: one query per child table for the whole page
 * (never one per run), in the order the runs were given.
 */
export async function runsJson(sql: Sql, runs: readonly RunRow[]) {
  if (runs.length === 0) return [];
  const ids = [runs.map((r) => r.run_id)];
  const [metrics, params, tags, datasets, modelInputs, modelOutputs] = await Promise.all([
    sql.query(`SELECT run_id, key, value, timestamp, step, is_nan FROM run_latest_metrics WHERE run_id = ANY($1::text[]) ORDER BY run_id, key`, ids) as Promise<(MetricRow & { run_id: string })[]>,
    sql.query(`SELECT run_id, key, value FROM run_params WHERE run_id = ANY($1::text[]) ORDER BY run_id, key`, ids) as Promise<KeyValueRow[]>,
    sql.query(`SELECT run_id, key, value FROM run_tags WHERE run_id = ANY($1::text[]) ORDER BY run_id, key`, ids) as Promise<KeyValueRow[]>,
    sql.query(`SELECT run_id, dataset, tags FROM run_inputs WHERE run_id = ANY($1::text[]) ORDER BY run_id, dataset_name, dataset_digest`, ids) as Promise<
      { run_id: string; dataset: object; tags: { key: string; value: string }[] }[]
    >,
    sql.query(`SELECT run_id, model_id FROM run_model_inputs WHERE run_id = ANY($1::text[]) ORDER BY run_id, model_id`, ids) as Promise<{ run_id: string; model_id: string }[]>,
    sql.query(`SELECT run_id, model_id, step FROM run_model_outputs WHERE run_id = ANY($1::text[]) ORDER BY run_id, step, model_id`, ids) as Promise<
      { run_id: string; model_id: string; step: string }[]
    >,
  ]);
  const [m, p, t, d, mi, mo] = [groupBy(metrics), groupBy(params), groupBy(tags), groupBy(datasets), groupBy(modelInputs), groupBy(modelOutputs)];
  return runs.map((run) => {
    const id = run.run_id;
    return {
      info: runInfoJson(run),
      data: {
        metrics: (m.get(id) ?? []).map((x) => metricJson(x)),
        params: (p.get(id) ?? []).map((x) => ({ key: x.key, value: x.value })),
        tags: (t.get(id) ?? []).map((x) => ({ key: x.key, value: x.value })),
      },
      inputs: {
        dataset_inputs: (d.get(id) ?? []).map((x) => ({ tags: x.tags, dataset: x.dataset })),
        model_inputs: (mi.get(id) ?? []).map((x) => ({ model_id: x.model_id })),
      },
      outputs: { model_outputs: (mo.get(id) ?? []).map((x) => ({ model_id: x.model_id, step: Number(x.step) })) },
    };
  });
}
