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

  it('matches nothing on metrics (not recorded for logged models) and refuses bad filters', () => {
    expect(loggedModelFilterSql('metrics.acc > 0.5', new SqlParams())).toBe('FALSE');
    for (const bad of ['name > 1', 'creation_timestamp LIKE 5', 'nope = 1', "name = 'a' OR name = 'b'", 'tags.x =']) {
      expect(() => loggedModelFilterSql(bad, new SqlParams())).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    }
  });

  it('orders with nulls last and MLflow’s tiebreakers', () => {
    expect(loggedModelOrderSql([])).toBe('lm.creation_timestamp_ms DESC, lm.model_id ASC');
    expect(loggedModelOrderSql([{ fieldName: 'name', ascending: true }])).toBe('lm.name ASC NULLS LAST, lm.creation_timestamp_ms DESC, lm.model_id ASC');
    expect(() => loggedModelOrderSql([{ fieldName: 'params.x', ascending: true }])).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});
