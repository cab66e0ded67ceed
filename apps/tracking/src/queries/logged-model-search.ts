import { SqlParams, Token, TokenStream, TrackingError } from '@custos/tracking-domain';
import { storedStatus } from '../http/logged-model-json';

/*
 * MLflow's logged-model search (`mlflow/utils/search_logged_model_utils.py`): comparisons joined by
 * AND over attributes (`name`, `model_id`, `model_type`, `status`, `source_run_id`,
 * `creation_timestamp`, `last_updated_timestamp`, with their `_ms` and `creation_time` aliases),
 * `params.<key>`, `tags.<key>` and `metrics.<key>`. Values are always bound; columns come only from
 * the fixed map below.
 *
 * Metrics come from `logged_model_metrics` (points logged with a `model_id`): a comparison holds
 * when any point of that key satisfies it (NaN only `!=`), and an ordering uses the model's latest
 * point (greatest timestamp, then step, then the first run id, as MLflow's store picks it). The
 * request's `datasets` restrict every metric comparison to points computed on those datasets; with
 * no metric comparison they keep only models with some metric on them. An ordering by a metric is
 * scoped by its own `dataset_name`/`dataset_digest`, not by `datasets` (MLflow's store does the same).
 */

/** A `datasets` entry of SearchLoggedModels: a name and optionally a digest. */
export interface LoggedModelDataset {
  name: string;
  digest?: string;
}

function datasetCondition(datasets: readonly LoggedModelDataset[], p: SqlParams, alias: string): string {
  if (datasets.length === 0) return '';
  const alternatives = datasets.map((d) => (d.digest ? `(${alias}.dataset_name = ${p.bind(d.name)} AND ${alias}.dataset_digest = ${p.bind(d.digest)})` : `${alias}.dataset_name = ${p.bind(d.name)}`));
  return ` AND (${alternatives.join(' OR ')})`;
}

interface Column {
  sql: string;
  numeric: boolean;
}

const ATTRIBUTES: Readonly<Record<string, Column>> = {
  name: { sql: 'lm.name', numeric: false },
  model_id: { sql: 'lm.model_id', numeric: false },
  model_type: { sql: 'lm.model_type', numeric: false },
  status: { sql: 'lm.status', numeric: false },
  source_run_id: { sql: 'lm.source_run_id', numeric: false },
  experiment_id: { sql: 'lm.experiment_id', numeric: false },
  creation_timestamp_ms: { sql: 'lm.creation_timestamp_ms', numeric: true },
  creation_timestamp: { sql: 'lm.creation_timestamp_ms', numeric: true },
  creation_time: { sql: 'lm.creation_timestamp_ms', numeric: true },
  last_updated_timestamp_ms: { sql: 'lm.last_updated_timestamp_ms', numeric: true },
  last_updated_timestamp: { sql: 'lm.last_updated_timestamp_ms', numeric: true },
};

const KEY_VALUE_TABLES = { params: 'logged_model_params', tags: 'logged_model_tags' } as const;
const NUMERIC_OPS = ['=', '!=', '<', '<=', '>', '>='];
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const SQL_OP: Readonly<Record<string, string>> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=', LIKE: 'LIKE', ILIKE: 'ILIKE' };

type Entity = { kind: 'attribute'; column: Column; key: string } | { kind: 'params' | 'tags' | 'metrics'; key: string };

function attribute(s: TokenStream, key: string, at: Token): Entity {
  const column = Object.hasOwn(ATTRIBUTES, key) ? ATTRIBUTES[key] : undefined;
  if (!column) throw s.error(at, `invalid attribute '${key}', valid attributes are ${Object.keys(ATTRIBUTES).join(', ')}`);
  return { kind: 'attribute', column, key };
}

function parseEntity(s: TokenStream): Entity {
  const first = s.next();
  if (first.kind !== 'word' && first.kind !== 'backtick') throw s.error(first, 'expected an attribute, metrics.<key>, params.<key> or tags.<key>');
  if (s.peek().kind !== 'dot') return attribute(s, first.text, first);
  s.next();
  const parts: string[] = [];
  for (;;) {
    const seg = s.next();
    if (seg.kind !== 'word' && seg.kind !== 'backtick' && seg.kind !== 'dquote') throw s.error(seg, `expected a key after '${first.text}.'`);
    parts.push(seg.text);
    if (s.peek().kind !== 'dot') break;
    s.next();
  }
  const key = parts.join('.');
  if (first.text === 'attributes') return attribute(s, key, first);
  if (first.text === 'params' || first.text === 'tags' || first.text === 'metrics') return { kind: first.text, key };
  throw s.error(first, `invalid entity type '${first.text}', expected one of attributes, metrics, params, tags`);
}

function parseOperator(s: TokenStream): string {
  const t = s.peek();
  if (t.kind === 'operator' && SQL_OP[t.text]) {
    s.next();
    return t.text;
  }
  for (const kw of ['LIKE', 'ILIKE', 'IN']) if (s.acceptKeyword(kw)) return kw;
  if (s.acceptKeyword('NOT')) {
    if (!s.acceptKeyword('IN')) throw s.error(s.peek(), 'expected IN after NOT');
    return 'NOT IN';
  }
  throw s.error(t, 'expected a comparison operator');
}

function parseStringValue(s: TokenStream): string {
  const t = s.next();
  if (t.kind === 'string' || t.kind === 'dquote') return t.text;
  throw s.error(t, 'expected a quoted string');
}

function parseStringList(s: TokenStream): string[] {
  const open = s.next();
  if (open.kind !== 'lparen') throw s.error(open, "expected a list such as ('a', 'b')");
  const values = [parseStringValue(s)];
  while (s.peek().kind === 'comma') {
    s.next();
    values.push(parseStringValue(s));
  }
  const close = s.next();
  if (close.kind !== 'rparen') throw s.error(close, "expected ')'");
  return values;
}

/** Models with at least one metric point computed on one of the datasets. */
function onDatasetsSql(datasets: readonly LoggedModelDataset[], p: SqlParams): string {
  return `EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id${datasetCondition(datasets, p, 'mm')})`;
}

function comparisonSql(s: TokenStream, p: SqlParams, datasets: readonly LoggedModelDataset[]): { sql: string; metric: boolean } {
  const at = s.peek();
  const entity = parseEntity(s);
  const op = parseOperator(s);
  const numeric = entity.kind === 'metrics' || (entity.kind === 'attribute' && entity.column.numeric);
  if (!(numeric ? NUMERIC_OPS : STRING_OPS).includes(op)) throw s.error(at, `invalid comparison operator '${op}', expected one of ${(numeric ? NUMERIC_OPS : STRING_OPS).join(', ')}`);
  if (numeric) {
    const t = s.next();
    if (t.kind !== 'number') throw s.error(t, 'expected a number');
    if (entity.kind === 'metrics') {
      const key = p.bind(entity.key);
      const value = `${p.bind(Number(t.text))}::float8`;
      const test = op === '!=' ? `(mm.is_nan OR mm.value <> ${value})` : `NOT mm.is_nan AND mm.value ${SQL_OP[op]} ${value}`;
      return { sql: `EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = ${key} AND ${test}${datasetCondition(datasets, p, 'mm')})`, metric: true };
    }
    // Bound as a double: `creation_timestamp > 1.5` must compare, not fail a bigint cast.
    return { sql: `${(entity as { column: Column }).column.sql} ${SQL_OP[op]} ${p.bind(Number(t.text))}::float8`, metric: false };
  }
  const normalise = (v: string) => (entity.kind === 'attribute' && entity.key === 'status' ? storedStatus(v) : v);
  const list = op === 'IN' || op === 'NOT IN';
  const values = list ? parseStringList(s).map(normalise) : [normalise(parseStringValue(s))];
  const test = (col: string) => (list ? `${op === 'IN' ? '' : 'NOT '}(${col} = ANY(${p.bind(values)}::text[]))` : `${col} ${SQL_OP[op]} ${p.bind(values[0])}`);
  if (entity.kind === 'attribute') return { sql: test(entity.column.sql), metric: false };
  const table = KEY_VALUE_TABLES[entity.kind as 'params' | 'tags'];
  return { sql: `EXISTS (SELECT 1 FROM ${table} kv WHERE kv.model_id = lm.model_id AND kv.key = ${p.bind(entity.key)} AND ${test('kv.value')})`, metric: false };
}

/** A boolean SQL expression over `logged_models lm`; `TRUE` for an empty filter and no datasets. */
export function loggedModelFilterSql(filter: string | undefined, p: SqlParams, datasets: readonly LoggedModelDataset[] = []): string {
  const parts: { sql: string; metric: boolean }[] = [];
  if (filter && filter.trim() !== '') {
    const s = TokenStream.of(filter);
    parts.push(comparisonSql(s, p, datasets));
    while (s.peek().kind !== 'eof') {
      if (!s.acceptKeyword('AND')) throw s.error(s.peek(), "expected AND (comparisons are joined by AND, e.g. 'metrics.loss > 0.1 AND params.lr = 0.01')");
      parts.push(comparisonSql(s, p, datasets));
    }
  }
  if (datasets.length > 0 && !parts.some((part) => part.metric)) parts.push({ sql: onDatasetsSql(datasets, p), metric: true });
  return parts.length === 0 ? 'TRUE' : parts.map((part) => part.sql).join(' AND ');
}

export interface LoggedModelOrder {
  fieldName: string;
  ascending: boolean;
  /** For `metrics.<key>`: only points computed on this dataset. */
  datasetName?: string;
  datasetDigest?: string;
}

/** ORDER BY for logged models: nulls last, then MLflow's tiebreakers (newest first, then model id). */
export function loggedModelOrderSql(order: readonly LoggedModelOrder[], p: SqlParams = new SqlParams()): string {
  const clauses: string[] = [];
  let creation = false;
  let modelId = false;
  for (const o of order) {
    if (o.fieldName.startsWith('metrics.')) {
      const key = o.fieldName.slice('metrics.'.length).replace(/^`(.*)`$/, '$1');
      if (key === '') throw TrackingError.invalidParameter(`Invalid order by field name: ${o.fieldName}`);
      const keyParam = p.bind(key);
      const scope = o.datasetName ? datasetCondition([{ name: o.datasetName, digest: o.datasetDigest }], p, 'mm') : '';
      const latest = `SELECT mm.value FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = ${keyParam} AND NOT mm.is_nan${scope} ORDER BY mm.timestamp DESC, mm.step DESC, mm.run_id ASC LIMIT 1`;
      clauses.push(`(${latest}) ${o.ascending ? 'ASC' : 'DESC'} NULLS LAST`);
      continue;
    }
    const column = !o.fieldName.includes('.') && Object.hasOwn(ATTRIBUTES, o.fieldName) ? ATTRIBUTES[o.fieldName] : undefined;
    if (!column) throw TrackingError.invalidParameter(`Invalid order by field name: ${o.fieldName}`);
    creation ||= column.sql === 'lm.creation_timestamp_ms';
    modelId ||= column.sql === 'lm.model_id';
    clauses.push(`${column.sql} ${o.ascending ? 'ASC' : 'DESC'} NULLS LAST`);
  }
  if (!creation) clauses.push('lm.creation_timestamp_ms DESC');
  if (!modelId) clauses.push('lm.model_id ASC');
  return clauses.join(', ');
}
