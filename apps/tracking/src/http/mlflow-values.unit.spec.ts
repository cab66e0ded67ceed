import { asDouble, asInt, doubleJson, toDatasetInputs, toMetric } from './mlflow-values';

describe('MLflow request values', () => {
  it('reads doubles the way protobuf JSON does, including the quoted non-finite spellings', () => {
    expect(asDouble(1.5, 'v')).toBe(1.5);
    expect(asDouble('2.5e3', 'v')).toBe(2500);
    expect(asDouble('NaN', 'v')).toBeNaN();
    expect(asDouble('Infinity', 'v')).toBe(Infinity);
    expect(asDouble('-Infinity', 'v')).toBe(-Infinity);
    for (const bad of ['abc', '', true, null, {}, [1]]) expect(() => asDouble(bad, 'v')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });

  it('reads int64 as numbers or decimal strings, refusing what a double would lose', () => {
    expect(asInt('12', 'step', 0)).toBe(12);
    expect(asInt(undefined, 'step', 7)).toBe(7);
    for (const bad of ['1.5', 1.5, '9007199254740993', 'x']) expect(() => asInt(bad, 'step', 0)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });

  it('fills a metric’s unset fields with proto defaults', () => {
    expect(toMetric({ key: 'k' }, 'metrics[0]')).toEqual({ key: 'k', value: 0, timestamp: 0, step: 0 });
    expect(() => toMetric('k', 'metrics[0]')).toThrow(/metrics\[0\]/);
  });

  it('reads dataset inputs in MLflow’s shape', () => {
    const [d] = toDatasetInputs([{ tags: [{ key: 'ctx', value: 'train' }], dataset: { name: 'n', digest: 'd', source_type: 's', source: '{}' } }]);
    expect(d).toEqual({ name: 'n', digest: 'd', sourceType: 's', source: '{}', schema: null, profile: null, tags: [{ key: 'ctx', value: 'train' }] });
  });

  it('writes non-finite doubles as MLflow’s server does: quoted strings the client parser accepts', () => {
    expect(JSON.stringify([NaN, Infinity, -Infinity, 0.25].map(doubleJson))).toBe('["NaN","Infinity","-Infinity",0.25]');
  });
});
