import { expect } from '@jest/globals';
import { SqlParams } from '@custos/tracking-domain';
import { loggedModelFilterSql, loggedModelOrderSql } from './logged-model-search';

describe('logged model search translation', () => {
  it('binds every value and maps attributes, params and tags', () => {
    const p = new SqlParams();
    const sql = loggedModelFilterSql("name LIKE 'clf%' AND creation_timestamp > 5 AND params.`a b` = 'x' AND status IN ('LOGGED_MODEL_READY', 'FAILED')", p);
    expect(sql).toBe(
      'lm.name LIKE $1 AND lm.creation_timestamp_ms > $2::float8 AND EXISTS (SELECT 1 FROM logged_model_params kv WHERE kv.model_id = lm.model_id AND kv.key = $3 AND kv.value = $4) AND (lm.status = ANY($5::text[]))',
    );
    expect(p.values).toEqual(['clf%', 5, 'a b', 'x', ['READY', 'FAILED']]);
  });

  it('compares metrics through logged_model_metrics, restricted to the datasets, and refuses bad filters', () => {
    const p = new SqlParams();
    expect(loggedModelFilterSql('metrics.acc > 0.5 AND metrics.loss != 1', p, [{ name: 'iris', digest: 'abc' }, { name: 'wine' }])).toBe(
      [
        'EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = $1 AND NOT mm.is_nan AND mm.value > $2::float8 AND ((mm.dataset_name = $3 AND mm.dataset_digest = $4) OR mm.dataset_name = $5))',
        'EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = $6 AND (mm.is_nan OR mm.value <> $7::float8) AND ((mm.dataset_name = $8 AND mm.dataset_digest = $9) OR mm.dataset_name = $10))',
      ].join(' AND '),
    );
    expect(p.values).toEqual(['acc', 0.5, 'iris', 'abc', 'wine', 'loss', 1, 'iris', 'abc', 'wine']);
    for (const bad of ['name > 1', 'creation_timestamp LIKE 5', 'nope = 1', "name = 'a' OR name = 'b'", 'tags.x =']) {
      expect(() => loggedModelFilterSql(bad, new SqlParams())).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    }
  });

  it('keeps only models with a metric on the datasets when no metric is compared, as MLflow does', () => {
    const p = new SqlParams();
    expect(loggedModelFilterSql(undefined, p, [{ name: 'iris', digest: 'abc' }])).toBe(
      'EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND ((mm.dataset_name = $1 AND mm.dataset_digest = $2)))',
    );
    expect(p.values).toEqual(['iris', 'abc']);
    const q = new SqlParams();
    expect(loggedModelFilterSql("name = 'x'", q, [{ name: 'wine' }])).toBe(
      'lm.name = $1 AND EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND (mm.dataset_name = $2))',
    );
    expect(loggedModelFilterSql(undefined, new SqlParams())).toBe('TRUE');
  });

  it('orders with nulls last and MLflow’s tiebreakers', () => {
    expect(loggedModelOrderSql([])).toBe('lm.creation_timestamp_ms DESC, lm.model_id ASC');
    expect(loggedModelOrderSql([{ fieldName: 'name', ascending: true }])).toBe('lm.name ASC NULLS LAST, lm.creation_timestamp_ms DESC, lm.model_id ASC');
    const p = new SqlParams();
    expect(loggedModelOrderSql([{ fieldName: 'metrics.acc', ascending: false, datasetName: 'iris' }], p)).toBe(
      '(SELECT mm.value FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = $1 AND NOT mm.is_nan AND (mm.dataset_name = $2) ORDER BY mm.timestamp DESC, mm.step DESC, mm.run_id ASC LIMIT 1) DESC NULLS LAST, lm.creation_timestamp_ms DESC, lm.model_id ASC',
    );
    expect(p.values).toEqual(['acc', 'iris']);
    expect(() => loggedModelOrderSql([{ fieldName: 'params.x', ascending: true }])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});
