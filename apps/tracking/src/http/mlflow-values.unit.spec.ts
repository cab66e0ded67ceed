import { expect } from '@jest/globals';
import { asDouble, asInt, datasetInputsOf, doubleJson, toKeyValues, toMetric } from './mlflow-values';

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

  it('requires a metric’s key, value and timestamp as MLflow’s LogBatch does; step defaults to 0', () => {
    expect(toMetric({ key: 'k', value: '1.5', timestamp: '7' }, 'metrics[0]')).toEqual({ key: 'k', value: 1.5, timestamp: 7, step: 0 });
    const missing = (field: string) => `Missing value for required parameter 'metrics[0].${field}'. See the API docs for more information about request parameters.`;
    expect(() => toMetric({ key: 'k', value: 1 }, 'metrics[0]')).toThrow(missing('timestamp'));
    expect(() => toMetric({ key: 'k', value: null, timestamp: 1 }, 'metrics[0]')).toThrow(missing('value'));
    expect(() => toMetric({ key: '', value: 1, timestamp: 1 }, 'metrics[0]')).toThrow(missing('key'));
    expect(() => toMetric('k', 'metrics[0]')).toThrow(/metrics\[0\]/);
  });

  it('refuses a wrong JSON type with MLflow’s message instead of converting it', () => {
    expect(() => toMetric({ key: 31, value: 1, timestamp: 1 }, 'metrics[0]')).toThrow(
      "Invalid value 31 for parameter 'metrics[0].key' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
    );
    expect(() => toKeyValues([{ key: 'k', value: 31 }], 'tags')).toThrow("Invalid value 31 for parameter 'tags[0].value' supplied:  Hint: Value was of type 'int'.");
    expect(() => toKeyValues([{ value: 'v' }], 'params')).toThrow("Missing value for required parameter 'params[0].key'.");
  });

  it('maps validated dataset inputs to the command’s shape', () => {
    const [d] = datasetInputsOf([{ tags: [{ key: 'ctx', value: 'train' }], dataset: { name: 'n', digest: 'd', source_type: 's', source: '{}' } }]);
    expect(d).toEqual({ name: 'n', digest: 'd', sourceType: 's', source: '{}', schema: null, profile: null, tags: [{ key: 'ctx', value: 'train' }] });
  });

  it('writes non-finite doubles as MLflow’s server does: quoted strings the client parser accepts', () => {
    expect(JSON.stringify([NaN, Infinity, -Infinity, 0.25].map(doubleJson))).toBe('["NaN","Infinity","-Infinity",0.25]');
  });
});
