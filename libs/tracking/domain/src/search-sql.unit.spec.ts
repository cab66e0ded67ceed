import { parseExperimentsFilter, parseRunsFilter } from './search-filter';
import { parseOrderByList } from './search-order-by';
import { buildExperimentSearchQuery, buildRunSearchQuery, lifecycleStages, translateExperimentSearch, translateRunSearch } from './search-sql';

const runs = (filter: string, orderBy: string[] = []) => translateRunSearch(parseRunsFilter(filter), parseOrderByList(orderBy, 'runs'));

describe('search SQL translation', () => {
  it('builds the default search_runs query: scope, newest first, run_id tiebreaker', () => {
    expect(buildRunSearchQuery({ experimentIds: ['1', '2'], viewType: 'ACTIVE_ONLY', filter: [], orderBy: [], offset: 0, limit: 100 })).toEqual({
      text: 'SELECT r.* FROM runs r WHERE r.experiment_id = ANY($1::text[]) AND r.lifecycle_stage = ANY($2::text[]) ORDER BY r.start_time DESC, r.run_id ASC LIMIT $3 OFFSET $4',
      values: [['1', '2'], ['active'], 100, 0],
    });
  });

  it('uses one EXISTS per metric, param and tag predicate and binds every value', () => {
    const s = runs("metrics.acc > 0.9 AND params.opt = 'adam' AND tags.env IS NULL AND tags.team IS NOT NULL AND attributes.run_id IN ('a', 'b') AND start_time >= 10");
    expect(s.where).toBe(
      [
        'EXISTS (SELECT 1 FROM run_latest_metrics m WHERE m.run_id = r.run_id AND m.key = $1 AND NOT m.is_nan AND m.value > $2)',
        'EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = $3 AND p.value = $4)',
        'NOT EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = $5)',
        'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = $6)',
        'r.run_id = ANY($7::text[])',
        'r.start_time >= $8',
      ].join(' AND '),
    );
    expect(s.params).toEqual(['acc', 0.9, 'opt', 'adam', 'env', 'team', ['a', 'b'], 10]);
    expect(s.joins).toBe('');
  });

  it('filters on dataset name, digest and context through run_inputs', () => {
    const s = runs("datasets.name = 'iris' AND datasets.digest IN ('a', 'b') AND datasets.context = 'training' AND datasets.context NOT IN ('x')");
    expect(s.where).toBe(
      [
        'EXISTS (SELECT 1 FROM run_inputs di WHERE di.run_id = r.run_id AND di.dataset_name = $1)',
        'EXISTS (SELECT 1 FROM run_inputs di WHERE di.run_id = r.run_id AND di.dataset_digest = ANY($2::text[]))',
        "EXISTS (SELECT 1 FROM run_inputs di, jsonb_array_elements(di.tags) dt WHERE di.run_id = r.run_id AND dt->>'key' = $3 AND dt->>'value' = $4)",
        "EXISTS (SELECT 1 FROM run_inputs di, jsonb_array_elements(di.tags) dt WHERE di.run_id = r.run_id AND dt->>'key' = $5 AND dt->>'value' <> ALL($6::text[]))",
      ].join(' AND '),
    );
    expect(s.params).toEqual(['iris', ['a', 'b'], 'mlflow.data.context', 'training', 'mlflow.data.context', ['x']]);
    expect(() => parseOrderByList(['datasets.name'], 'runs')).toThrow(/invalid order_by entity/);
  });

  it('lets NaN satisfy only != and maps the string comparators', () => {
    expect(runs('metrics.m != 1').where).toBe('EXISTS (SELECT 1 FROM run_latest_metrics m WHERE m.run_id = r.run_id AND m.key = $1 AND (m.is_nan OR m.value <> $2))');
    expect(runs('metrics.m <= 1').where).toContain('AND NOT m.is_nan AND m.value <= $2)');
    expect(runs("tags.t ILIKE '%x%' AND params.p != 'y' AND params.q LIKE 'z_'").where).toBe(
      [
        'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = $1 AND t.value ILIKE $2)',
        'EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = $3 AND p.value <> $4)',
        'EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = $5 AND p.value LIKE $6)',
      ].join(' AND '),
    );
    expect(runs("run_id NOT IN ('a') AND `Run Name` != 'x' AND status = 'FINISHED'").where).toBe('r.run_id <> ALL($1::text[]) AND r.name <> $2 AND r.status = $3');
  });

  it('sorts metrics with NaN and missing values last, key-value fields through left joins, then the defaults', () => {
    const s = runs("params.opt = 'adam'", ['metrics.acc DESC', 'params.lr', 'tags.t DESC', 'attributes.end_time']);
    expect(s.joins).toBe(
      'LEFT JOIN run_latest_metrics o1 ON o1.run_id = r.run_id AND o1.key = $3 LEFT JOIN run_params o2 ON o2.run_id = r.run_id AND o2.key = $4 LEFT JOIN run_tags o3 ON o3.run_id = r.run_id AND o3.key = $5',
    );
    expect(s.orderBy).toBe(
      'CASE WHEN o1.is_nan THEN 1 WHEN o1.run_id IS NULL THEN 2 ELSE 0 END, o1.value DESC, o2.value ASC NULLS LAST, o3.value DESC NULLS LAST, r.end_time ASC NULLS LAST, r.start_time DESC, r.run_id ASC',
    );
    expect(s.params).toEqual(['opt', 'adam', 'acc', 'lr', 't']);
  });

  it('does not repeat start_time or run_id when the caller sorts on them', () => {
    expect(runs('', ['start_time ASC', 'run_id DESC']).orderBy).toBe('r.start_time ASC, r.run_id DESC');
    expect(runs('').where).toBe('TRUE');
  });

  it('assembles joins, filter and paging into one query', () => {
    const q = buildRunSearchQuery({
      experimentIds: ['1'],
      viewType: 'ALL',
      filter: parseRunsFilter('metrics.loss < 0.5'),
      orderBy: parseOrderByList(['metrics.loss'], 'runs'),
      offset: 50,
      limit: 25,
    });
    expect(q.text).toBe(
      'SELECT r.* FROM runs r LEFT JOIN run_latest_metrics o1 ON o1.run_id = r.run_id AND o1.key = $5 WHERE r.experiment_id = ANY($1::text[]) AND r.lifecycle_stage = ANY($2::text[]) AND EXISTS (SELECT 1 FROM run_latest_metrics m WHERE m.run_id = r.run_id AND m.key = $3 AND NOT m.is_nan AND m.value < $4) ORDER BY CASE WHEN o1.is_nan THEN 1 WHEN o1.run_id IS NULL THEN 2 ELSE 0 END, o1.value ASC, r.start_time DESC, r.run_id ASC LIMIT $6 OFFSET $7',
    );
    expect(q.values).toEqual([['1'], ['active', 'deleted'], 'loss', 0.5, 'loss', 25, 50]);
  });

  it('never puts user text into the SQL', () => {
    const hostile = "x'; DROP TABLE runs; --";
    const q = buildRunSearchQuery({
      experimentIds: ["1'--"],
      viewType: 'ACTIVE_ONLY',
      filter: parseRunsFilter(`params.\`${hostile.replace(/`/g, '``')}\` = "${hostile}" AND tags."a""b" LIKE '%'`),
      orderBy: parseOrderByList([`tags.\`${hostile}\` DESC`], 'runs'),
      offset: 0,
      limit: 10,
    });
    expect(q.text).not.toContain('DROP');
    expect(q.text).not.toContain('a"b');
    expect(q.values).toContain(hostile);
    expect(q.values).toContain('a"b');
  });

  it('builds search_experiments with MLflow default order and tag EXISTS', () => {
    const q = buildExperimentSearchQuery({
      viewType: 'DELETED_ONLY',
      filter: parseExperimentsFilter("name LIKE 'exp%' AND creation_time > 5 AND tags.team = 'ml' AND tags.owner IS NULL"),
      orderBy: [],
      offset: 0,
      limit: 1001,
    });
    expect(q).toEqual({
      text: 'SELECT e.* FROM experiments e WHERE e.lifecycle_stage = ANY($1::text[]) AND e.name LIKE $2 AND e.creation_time > $3 AND EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = $4 AND t.value = $5) AND NOT EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = $6) ORDER BY e.creation_time DESC NULLS LAST, e.experiment_id ASC LIMIT $7 OFFSET $8',
      values: [['deleted'], 'exp%', 5, 'team', 'ml', 'owner', 1001, 0],
    });
  });

  it("ends explicit experiment orderings with MLflow's experiment_id DESC tiebreaker", () => {
    expect(translateExperimentSearch([], parseOrderByList(['name ASC', 'last_update_time DESC'], 'experiments')).orderBy).toBe('e.name ASC, e.last_update_time DESC NULLS LAST, e.experiment_id DESC');
  });

  it('refuses keys outside the column whitelist even from a hand-built AST', () => {
    expect(() => translateRunSearch([{ kind: 'stringAttribute', key: 'lifecycle_stage; --', comparator: '=', value: 'x' }], [])).toThrow("Invalid attribute key 'lifecycle_stage; --'");
    expect(() => translateExperimentSearch([{ kind: 'metric', key: 'm', comparator: '=', value: 1 }], [])).toThrow('Experiments cannot be searched by metric');
  });

  it('maps view types to lifecycle stages', () => {
    expect(lifecycleStages('ACTIVE_ONLY')).toEqual(['active']);
    expect(lifecycleStages('DELETED_ONLY')).toEqual(['deleted']);
    expect(lifecycleStages('ALL')).toEqual(['active', 'deleted']);
  });
});
