import { Request } from 'express';
import { MlflowRequestBase, pythonJsonDumps } from './mlflow-request';

class BadInput extends Error {}
class TestRequest extends MlflowRequestBase {
  protected invalid(message: string): Error {
    return new BadInput(message);
  }
}

const post = (body: unknown) => new TestRequest({ method: 'POST', body } as Request);
const get = (query: Record<string, unknown>) => new TestRequest({ method: 'GET', query } as unknown as Request);
const DOCS = ' See the API docs for more information about request parameters.';
const wrongType = (value: string, name: string, type: string) => `Invalid value ${value} for parameter '${name}' supplied:  Hint: Value was of type '${type}'.${DOCS}`;

describe('MLflow request fields, typed as MLflow’s protobuf messages', () => {
  it.each([
    ['a number for a string field', { name: 123 }, 'name', wrongType('123', 'name', 'int')],
    ['a float for a string field', { artifact_location: 9.5 }, 'artifact_location', wrongType('9.5', 'artifact_location', 'float')],
    ['a boolean for a string field', { value: true }, 'value', wrongType('true', 'value', 'bool')],
    ['an object for a string field', { name: { b: 1, a: 'é' } }, 'name', wrongType('{"a":"\\u00e9","b":1}', 'name', 'dict')],
    ['a list for a string field', { name: ['x'] }, 'name', wrongType('["x"]', 'name', 'list')],
  ])('refuses %s with MLflow’s message', (_what, body, field, message) => {
    expect(() => post(body).optionalString(field)).toThrow(new BadInput(message));
  });

  it('says a required field is missing when it is absent, null or empty', () => {
    for (const body of [{}, { name: null }, { name: '' }]) {
      expect(() => post(body).string('name')).toThrow(new BadInput(`Missing value for required parameter 'name'.${DOCS}`));
    }
  });

  it('reads int64 as a number or a decimal string, and nothing else', () => {
    expect(post({ timestamp: 5 }).int('timestamp')).toBe(5);
    expect(post({ timestamp: '123' }).int('timestamp')).toBe(123);
    expect(() => post({}).int('timestamp')).toThrow(`Missing value for required parameter 'timestamp'.${DOCS}`);
    expect(() => post({ timestamp: 'soon' }).int('timestamp')).toThrow(wrongType('"soon"', 'timestamp', 'str'));
    expect(() => post({ timestamp: 1.5 }).int('timestamp')).toThrow(wrongType('1.5', 'timestamp', 'float'));
    expect(() => post({ timestamp: true }).int('timestamp')).toThrow(wrongType('true', 'timestamp', 'bool'));
  });

  it('reads doubles as numbers, numeric strings or the non-finite spellings', () => {
    expect(post({ value: 0.5 }).double('value')).toBe(0.5);
    expect(post({ value: 'NaN' }).double('value')).toBeNaN();
    expect(post({ value: '-Infinity' }).double('value')).toBe(-Infinity);
    expect(() => post({ value: null }).double('value')).toThrow(`Missing value for required parameter 'value'.${DOCS}`);
    expect(() => post({ value: 'high' }).double('value')).toThrow(wrongType('"high"', 'value', 'str'));
  });

  it('takes enums by name or number', () => {
    expect(post({ status: 3 }).optionalEnum('status')).toBe('3');
    expect(post({ status: 'FINISHED' }).optionalEnum('status')).toBe('FINISHED');
    expect(() => post({ status: 1.5 }).optionalEnum('status')).toThrow(BadInput);
  });

  it('reads query parameters as text: numbers parsed, a repeated scalar taken once', () => {
    const r = get({ max_results: '10', run_id: ['a', 'b'], ids: 'x', flag: 'TRUE' });
    expect(r.optionalInt('max_results')).toBe(10);
    expect(r.string('run_id')).toBe('a');
    expect(r.stringList('ids')).toEqual(['x']);
    expect(r.optionalBool('flag')).toBe(true);
  });

  it('refuses lists of the wrong item type', () => {
    expect(() => post({ order_by: ['a', 1] }).stringList('order_by')).toThrow(wrongType('1', 'order_by[1]', 'int'));
    expect(() => post({ order_by: 'a' }).stringList('order_by')).toThrow(wrongType('"a"', 'order_by', 'str'));
  });

  it('quotes values as Python’s json.dumps(sort_keys=True) does', () => {
    expect(pythonJsonDumps({ b: [1, 'ü'], a: null })).toBe('{"a":null,"b":[1,"\\u00fc"]}');
  });
});
