import { TrackingError } from './errors';
import { FilterPredicate } from './search-filter';
import { OrderByTerm } from './search-order-by';

/*
 * Translates parsed MLflow searches into parameterised PostgreSQL against the tracking read model.
 * The tracking service creates exactly these tables (one row per run / experiment / key):
 *
 *   runs(run_id text PRIMARY KEY, experiment_id text NOT NULL, name text, user_id text,
 *        status text NOT NULL, start_time bigint NOT NULL, end_time bigint NULL,
 *        lifecycle_stage text NOT NULL, artifact_uri text NOT NULL)
 *   run_params(run_id text, key text, value text, PRIMARY KEY (run_id, key))
 *   run_tags(run_id text, key text, value text, PRIMARY KEY (run_id, key))
 *   run_latest_metrics(run_id text, key text, value double precision, timestamp bigint, step bigint,
 *        is_nan boolean NOT NULL, PRIMARY KEY (run_id, key))
 *   experiments(experiment_id text PRIMARY KEY, name text UNIQUE NOT NULL, artifact_location text,
 *        lifecycle_stage text NOT NULL, creation_time bigint, last_update_time bigint)
 *   experiment_tags(experiment_id text, key text, value text, PRIMARY KEY (experiment_id, key))
 *   run_inputs(run_id text, dataset_name text, dataset_digest text, dataset jsonb, tags jsonb)
 *        (`tags` is the input's `[{key, value}]`; the dataset's context is its `mlflow.data.context`)
 *
 * - `runs.name` mirrors the `mlflow.runName` tag (the run decider keeps them in sync), so run_name
 *   filters read the column rather than the tag as MLflow must for pre-1.29 runs.
 * - `run_latest_metrics` holds, per run and key, the point with the greatest (step, timestamp,
 *   value), MLflow's "latest" rule. `value` stores the double as is (PostgreSQL has NaN and
 *   ±Infinity); `is_nan` is what comparisons test, because PostgreSQL orders NaN above every number
 *   and equal to itself, while MLflow compares NaN as IEEE does (only `!=` holds).
 * - The primary keys on (run_id, key) make the ORDER BY left joins one-to-one, so no DISTINCT.
 * - Useful indexes: runs(experiment_id, lifecycle_stage, start_time DESC, run_id),
 *   run_params/run_tags(key, value), experiments(creation_time DESC). run_latest_metrics is read
 *   through its primary key only: a (key, value) index would make each log-batch's updates of it
 *   non-HOT (docs/decisions/022).
 *
 * Values are always bound ($1, $2, ...); identifiers come only from the fixed maps below. MLflow's
 * sort semantics: missing values (and NaN metrics, just before them) sort last in either direction,
 * runs default to start_time DESC, and a unique tiebreaker (run_id ASC, experiment_id) ends every
 * ordering so offset pagination is stable.
 */

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function lifecycleStages(viewType: ViewType): string[] {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return ['active'];
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
  }
}

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The pieces of a search, for callers that choose their own SELECT list. */
export interface TranslatedSearch {
  /** LEFT JOINs the ORDER BY needs (may be empty); goes right after `FROM runs r`. */
  joins: string;
  /** A boolean expression (`TRUE` when there is no filter). */
  where: string;
  /** Without the ORDER BY keyword. */
  orderBy: string;
  params: unknown[];
}

/** Numbers placeholders in the order values are bound. */
export class SqlParams {
  readonly values: unknown[] = [];

  bind(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface Column {
  sql: string;
  nullable: boolean;
}

const RUN_COLUMNS: Readonly<Record<string, Column>> = {
  run_id: { sql: 'r.run_id', nullable: false },
  run_name: { sql: 'r.name', nullable: true },
  status: { sql: 'r.status', nullable: false },
  user_id: { sql: 'r.user_id', nullable: true },
  artifact_uri: { sql: 'r.artifact_uri', nullable: false },
  start_time: { sql: 'r.start_time', nullable: false },
  end_time: { sql: 'r.end_time', nullable: true },
};

const EXPERIMENT_COLUMNS: Readonly<Record<string, Column>> = {
  experiment_id: { sql: 'e.experiment_id', nullable: false },
  name: { sql: 'e.name', nullable: false },
  creation_time: { sql: 'e.creation_time', nullable: true },
  last_update_time: { sql: 'e.last_update_time', nullable: true },
};

/** Where each key-value entity lives, relative to the outer row (`r` or `e`). */
interface KeyValueTable {
  table: string;
  alias: string;
  owner: string;
}

const RUN_TABLES: Readonly<Record<'metric' | 'param' | 'tag', KeyValueTable>> = {
  metric: { table: 'run_latest_metrics', alias: 'm', owner: 'run_id = r.run_id' },
  param: { table: 'run_params', alias: 'p', owner: 'run_id = r.run_id' },
  tag: { table: 'run_tags', alias: 't', owner: 'run_id = r.run_id' },
};

const EXPERIMENT_TAGS: KeyValueTable = { table: 'experiment_tags', alias: 't', owner: 'experiment_id = e.experiment_id' };

const SQL_OPERATORS: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  LIKE: 'LIKE',
  ILIKE: 'ILIKE',
};

function column(columns: Readonly<Record<string, Column>>, key: string): Column {
  const c = Object.hasOwn(columns, key) ? columns[key] : undefined;
  if (!c) throw TrackingError.invalidParameter(`Invalid attribute key '${key}'`);
  return c;
}

function existsIn(kv: KeyValueTable, p: SqlParams, key: string, condition?: (alias: string) => string): string {
  const a = kv.alias;
  const keyParam = p.bind(key);
  const extra = condition ? ` AND ${condition(a)}` : '';
  return `EXISTS (SELECT 1 FROM ${kv.table} ${a} WHERE ${a}.${kv.owner} AND ${a}.key = ${keyParam}${extra})`;
}

function predicateSql(f: FilterPredicate, p: SqlParams, columns: Readonly<Record<string, Column>>, tables: (kind: 'metric' | 'param' | 'tag') => KeyValueTable): string {
  switch (f.kind) {
    case 'metric': {
      const op = SQL_OPERATORS[f.comparator];
      // NaN satisfies only `!=`, as in IEEE (and in MLflow's in-memory search).
      return existsIn(tables('metric'), p, f.key, (a) => (f.comparator === '!=' ? `(${a}.is_nan OR ${a}.value ${op} ${p.bind(f.value)})` : `NOT ${a}.is_nan AND ${a}.value ${op} ${p.bind(f.value)}`));
    }
    case 'param':
    case 'tag': {
      if (!('value' in f)) return `${f.comparator === 'IS NULL' ? 'NOT ' : ''}${existsIn(tables(f.kind), p, f.key)}`;
      const { comparator, value } = f;
      return existsIn(tables(f.kind), p, f.key, (a) => `${a}.value ${SQL_OPERATORS[comparator]} ${p.bind(value)}`);
    }
    case 'stringAttribute': {
      const col = column(columns, f.key).sql;
      if ('values' in f) return f.comparator === 'IN' ? `${col} = ANY(${p.bind(f.values)}::text[])` : `${col} <> ALL(${p.bind(f.values)}::text[])`;
      return `${col} ${SQL_OPERATORS[f.comparator]} ${p.bind(f.value)}`;
    }
    case 'numericAttribute':
      return `${column(columns, f.key).sql} ${SQL_OPERATORS[f.comparator]} ${p.bind(f.value)}`;
    case 'dataset':
      if (columns !== RUN_COLUMNS) throw TrackingError.invalidParameter('Only runs can be searched by dataset');
      return datasetSql(f, p);
  }
}

/** The run logged a dataset input whose name / digest / context satisfies the comparison. */
function datasetSql(f: Extract<FilterPredicate, { kind: 'dataset' }>, p: SqlParams): string {
  const test = (col: string): string => {
    if ('values' in f) return f.comparator === 'IN' ? `${col} = ANY(${p.bind(f.values)}::text[])` : `${col} <> ALL(${p.bind(f.values)}::text[])`;
    return `${col} ${SQL_OPERATORS[f.comparator]} ${p.bind(f.value)}`;
  };
  if (f.key === 'context') {
    return `EXISTS (SELECT 1 FROM run_inputs di, jsonb_array_elements(di.tags) dt WHERE di.run_id = r.run_id` + ` AND dt->>'key' = ${p.bind('mlflow.data.context')} AND ${test("dt->>'value'")})`;
  }
  const col = f.key === 'name' ? 'di.dataset_name' : 'di.dataset_digest';
  return `EXISTS (SELECT 1 FROM run_inputs di WHERE di.run_id = r.run_id AND ${test(col)})`;
}

function attributeOrder(col: Column, ascending: boolean): string {
  return `${col.sql} ${ascending ? 'ASC' : 'DESC'}${col.nullable ? ' NULLS LAST' : ''}`;
}

/** WHERE, ORDER BY and joins for search_runs over `runs r`. */
export function translateRunSearch(filter: readonly FilterPredicate[], orderBy: readonly OrderByTerm[], params = new SqlParams()): TranslatedSearch {
  const where = filter.map((f) => predicateSql(f, params, RUN_COLUMNS, (kind) => RUN_TABLES[kind]));
  const joins: string[] = [];
  const order: string[] = [];
  orderBy.forEach((term, i) => {
    const dir = term.ascending ? 'ASC' : 'DESC';
    if (term.kind === 'attribute') {
      order.push(attributeOrder(column(RUN_COLUMNS, term.key), term.ascending));
      return;
    }
    if (term.kind === 'dataset') throw TrackingError.invalidParameter('Invalid order_by entity: dataset');
    const { table } = RUN_TABLES[term.kind];
    const a = `o${i + 1}`;
    joins.push(`LEFT JOIN ${table} ${a} ON ${a}.run_id = r.run_id AND ${a}.key = ${params.bind(term.key)}`);
    if (term.kind === 'metric') {
      // Values first (in the asked direction), then NaN, then runs without the metric.
      order.push(`CASE WHEN ${a}.is_nan THEN 1 WHEN ${a}.run_id IS NULL THEN 2 ELSE 0 END`, `${a}.value ${dir}`);
    } else {
      order.push(`${a}.value ${dir} NULLS LAST`);
    }
  });
  const sorted = (key: string) => orderBy.some((t) => t.kind === 'attribute' && t.key === key);
  if (!sorted('start_time')) order.push('r.start_time DESC');
  if (!sorted('run_id')) order.push('r.run_id ASC');
  return { joins: joins.join(' '), where: where.length > 0 ? where.join(' AND ') : 'TRUE', orderBy: order.join(', '), params: params.values };
}

/** WHERE and ORDER BY for search_experiments over `experiments e`. */
export function translateExperimentSearch(filter: readonly FilterPredicate[], orderBy: readonly OrderByTerm[], params = new SqlParams()): TranslatedSearch {
  const where = filter.map((f) =>
    predicateSql(f, params, EXPERIMENT_COLUMNS, (kind) => {
      if (kind !== 'tag') throw TrackingError.invalidParameter(`Experiments cannot be searched by ${kind}`);
      return EXPERIMENT_TAGS;
    }),
  );
  const terms: readonly OrderByTerm[] =
    orderBy.length > 0
      ? orderBy
      : [
          { kind: 'attribute', key: 'creation_time', ascending: false },
          { kind: 'attribute', key: 'experiment_id', ascending: true },
        ];
  const order = terms.map((t) => {
    if (t.kind !== 'attribute') throw TrackingError.invalidParameter(`Invalid order_by entity: ${t.kind}`);
    return attributeOrder(column(EXPERIMENT_COLUMNS, t.key), t.ascending);
  });
  // MLflow's tiebreaker for explicit orderings is experiment_id descending.
  if (!terms.some((t) => t.key === 'experiment_id')) order.push('e.experiment_id DESC');
  return { joins: '', where: where.length > 0 ? where.join(' AND ') : 'TRUE', orderBy: order.join(', '), params: params.values };
}

export interface RunSearchInput {
  experimentIds: readonly string[];
  viewType: ViewType;
  filter: readonly FilterPredicate[];
  orderBy: readonly OrderByTerm[];
  offset: number;
  limit: number;
}

/** The complete search_runs query, returning whole `runs` rows in page order. */
export function buildRunSearchQuery(input: RunSearchInput): SqlQuery {
  const p = new SqlParams();
  const scope = `r.experiment_id = ANY(${p.bind([...input.experimentIds])}::text[]) AND r.lifecycle_stage = ANY(${p.bind(lifecycleStages(input.viewType))}::text[])`;
  const s = translateRunSearch(input.filter, input.orderBy, p);
  const where = s.where === 'TRUE' ? scope : `${scope} AND ${s.where}`;
  const from = s.joins ? `runs r ${s.joins}` : 'runs r';
  return {
    text: `SELECT r.* FROM ${from} WHERE ${where} ORDER BY ${s.orderBy} LIMIT ${p.bind(input.limit)} OFFSET ${p.bind(input.offset)}`,
    values: p.values,
  };
}

export interface ExperimentSearchInput {
  viewType: ViewType;
  filter: readonly FilterPredicate[];
  orderBy: readonly OrderByTerm[];
  offset: number;
  limit: number;
}

/** The complete search_experiments query, returning whole `experiments` rows in page order. */
export function buildExperimentSearchQuery(input: ExperimentSearchInput): SqlQuery {
  const p = new SqlParams();
  const scope = `e.lifecycle_stage = ANY(${p.bind(lifecycleStages(input.viewType))}::text[])`;
  const s = translateExperimentSearch(input.filter, input.orderBy, p);
  const where = s.where === 'TRUE' ? scope : `${scope} AND ${s.where}`;
  return {
    text: `SELECT e.* FROM experiments e WHERE ${where} ORDER BY ${s.orderBy} LIMIT ${p.bind(input.limit)} OFFSET ${p.bind(input.offset)}`,
    values: p.values,
  };
}
