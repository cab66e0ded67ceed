import { Sql } from '@custos/eventing';
import { LoggedModelRow } from '../access/logged-model-access.service';
import { loggedModelJson } from '../http/logged-model-json';

type KeyValueRow = { model_id: string; key: string; value: string };

function byModel(rows: KeyValueRow[]): Map<string, { key: string; value: string }[]> {
  const out = new Map<string, { key: string; value: string }[]>();
  for (const r of rows) out.set(r.model_id, [...(out.get(r.model_id) ?? []), { key: r.key, value: r.value }]);
  return out;
}

/** Whole LoggedModel messages for a page of models: one query per child table for the page. */
export async function loggedModelsJson(sql: Sql, models: readonly LoggedModelRow[]) {
  if (models.length === 0) return [];
  const ids = [models.map((m) => m.model_id)];
  const [tags, params] = await Promise.all([
    sql.query(`SELECT model_id, key, value FROM logged_model_tags WHERE model_id = ANY($1::text[]) ORDER BY model_id, key`, ids) as Promise<KeyValueRow[]>,
    sql.query(`SELECT model_id, key, value FROM logged_model_params WHERE model_id = ANY($1::text[]) ORDER BY model_id, key`, ids) as Promise<KeyValueRow[]>,
  ]);
  const [t, p] = [byModel(tags), byModel(params)];
  return models.map((m) => loggedModelJson(m, t.get(m.model_id) ?? [], p.get(m.model_id) ?? []));
}
