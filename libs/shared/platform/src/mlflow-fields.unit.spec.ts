import 'reflect-metadata';
import { ArgumentMetadata, Logger } from '@nestjs/common';
import { ApiError } from './errors';
import { isUnset, MlflowBool, MlflowCheck, MlflowDouble, MlflowEnum, MlflowInt64, MlflowMaxLength, MlflowMessage, MlflowRepeated, MlflowRequired, MlflowRunId, MlflowString } from './mlflow-fields';
import { requestContext } from './request-context';
import { platformValidationPipe } from './validation';

class Tag {
  @MlflowString({ required: true })
  key!: string;

  @MlflowString()
  value?: string;
}

class Dataset {
  @MlflowString({ required: true })
  @MlflowMaxLength(5)
  name!: string;
}

class RunIdMessage {
  @MlflowRunId()
  run_id?: string;

  @MlflowString()
  run_uuid?: string;
}

class LogMetric extends RunIdMessage {
  @MlflowString({ required: true })
  key!: string;

  @MlflowDouble({ required: true })
  value!: number;

  @MlflowInt64({ required: true })
  timestamp!: number;

  @MlflowInt64()
  step?: number;
}

class Search {
  @MlflowRepeated(String)
  experiment_ids?: string[];

  @MlflowInt64()
  max_results?: number;

  @MlflowEnum()
  view_type?: string;

  @MlflowBool()
  allow_deleted?: boolean;

  @MlflowRepeated(() => Tag)
  tags?: Tag[];

  @MlflowMessage(() => Dataset)
  dataset?: Dataset;
}

class Capped {
  @MlflowInt64({ max: 100 })
  max_results?: number;
}

class Custom {
  @MlflowCheck('digits', (v) => isUnset(v) || v === '' || (typeof v === 'string' && /^\d+$/.test(v)), "Invalid value {json} for parameter '{path}': expected an integer.")
  @MlflowRequired()
  id!: string;
}

const pipe = platformValidationPipe();
const MLFLOW = '/api/2.0/mlflow/runs/log-metric';
const DOCS = ' See the API docs for more information about request parameters.';
const wrongType = (value: string, name: string, type: string) => `Invalid value ${value} for parameter '${name}' supplied:  Hint: Value was of type '${type}'.${DOCS}`;
const missing = (name: string) => `Missing value for required parameter '${name}'.${DOCS}`;

/** The pipe as a request on `path` runs it (the request context carries the path). */
function validate(value: unknown, metatype: new () => object, type: ArgumentMetadata['type'] = 'body', path = MLFLOW): Promise<unknown> {
  return requestContext.run({ correlationId: 'test', path }, () => pipe.transform(value, { type, metatype }));
}

async function refusal(value: unknown, metatype: new () => object, type: ArgumentMetadata['type'] = 'body', path = MLFLOW): Promise<ApiError> {
  try {
    await validate(value, metatype, type, path);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}

const metric = { run_id: 'r1', key: 'loss', value: 0.5, timestamp: 10 };

describe('MLflow request DTOs through the platform pipe', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it.each([
    ['a number for a string', { ...metric, key: 123 }, wrongType('123', 'key', 'int')],
    ['a list for a string', { ...metric, key: ['x'] }, wrongType('["x"]', 'key', 'list')],
    ['an object for a string', { ...metric, key: { b: 1, a: 'é' } }, wrongType('{"a":"\\u00e9","b":1}', 'key', 'dict')],
    ['a boolean for a double', { ...metric, value: true }, wrongType('true', 'value', 'bool')],
    ['a word for a double', { ...metric, value: 'high' }, wrongType('"high"', 'value', 'str')],
    ['a fraction for an int64', { ...metric, timestamp: 1.5 }, wrongType('1.5', 'timestamp', 'float')],
    ['a word for an int64', { ...metric, timestamp: 'soon' }, wrongType('"soon"', 'timestamp', 'str')],
    ['an int64 past 2^53', { ...metric, timestamp: '9007199254740993' }, wrongType('"9007199254740993"', 'timestamp', 'str')],
    ['a number for a run id', { ...metric, run_id: 31 }, wrongType('31', 'run_id', 'int')],
  ])('refuses %s with MLflow’s message and code', async (_what, body, message) => {
    const e = await refusal(body, LogMetric);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ httpStatus: 400, errorCode: 'INVALID_PARAMETER_VALUE', message });
  });

  it('says a required field is missing when it is absent, null or empty', async () => {
    for (const key of [undefined, null, '']) expect((await refusal({ ...metric, key }, LogMetric)).message).toBe(missing('key'));
    expect((await refusal({ ...metric, timestamp: '' }, LogMetric)).message).toBe(missing('timestamp'));
    expect((await refusal({}, LogMetric)).message).toBe(missing('run_id'));
  });

  it('reports the first failing field in the message’s order, as MLflow reports one', async () => {
    expect((await refusal({ run_id: 'r', value: 'x' }, LogMetric)).message).toBe(missing('key'));
  });

  it('takes int64 as a number or a digit string, and doubles as numbers, numeric strings or non-finite names', async () => {
    const dto = (await validate({ ...metric, timestamp: '123', step: ' 7 ', value: '0.25' }, LogMetric)) as LogMetric;
    expect(dto).toBeInstanceOf(LogMetric);
    expect(dto).toMatchObject({ timestamp: 123, step: 7, value: 0.25 });
    expect(((await validate({ ...metric, value: 'NaN' }, LogMetric)) as LogMetric).value).toBeNaN();
    expect(((await validate({ ...metric, value: '-Infinity' }, LogMetric)) as LogMetric).value).toBe(-Infinity);
  });

  it('takes the legacy run_uuid for run_id, and names run_uuid when it is the wrong type', async () => {
    expect(await validate({ ...metric, run_id: undefined, run_uuid: 'r2' }, LogMetric)).toMatchObject({ run_uuid: 'r2' });
    expect((await refusal({ ...metric, run_id: '', run_uuid: 5 }, LogMetric)).message).toBe(wrongType('5', 'run_uuid', 'int'));
  });

  it('ignores unknown fields on MLflow paths, as MLflow does, and drops them', async () => {
    const dto = await validate({ ...metric, newer_client_field: 1 }, LogMetric);
    expect(dto).not.toHaveProperty('newer_client_field');
  });

  it('keeps decision 040’s plain sentences and refuses unknown fields off MLflow paths', async () => {
    expect((await refusal({ ...metric, key: 123 }, LogMetric, 'body', '/api/authz/roles')).message).toBe("Field 'key' must be a string.");
    expect((await refusal({ ...metric, extra: 1 }, LogMetric, 'body', '/api/authz/roles')).message).toBe("Unknown field 'extra'.");
  });

  it('names the element of a repeated field that has the wrong type, and nested fields by path', async () => {
    expect((await refusal({ experiment_ids: ['1', 2] }, Search)).message).toBe(wrongType('2', 'experiment_ids[1]', 'int'));
    expect((await refusal({ experiment_ids: '1' }, Search)).message).toBe(wrongType('"1"', 'experiment_ids', 'str'));
    expect((await refusal({ tags: [{ key: 'a' }, 'x'] }, Search)).message).toBe(wrongType('"x"', 'tags[1]', 'str'));
    expect((await refusal({ tags: [{ key: 'a' }, { value: 'v' }] }, Search)).message).toBe(missing('tags[1].key'));
    expect((await refusal({ tags: [{ key: 7 }] }, Search)).message).toBe(wrongType('7', 'tags[0].key', 'int'));
    expect((await refusal({ dataset: [] }, Search)).message).toBe(wrongType('[]', 'dataset', 'list'));
    expect((await refusal({ dataset: { name: 'toolong' } }, Search)).message).toBe("'dataset.name' exceeds the maximum length of 5 characters");
  });

  it('reads unset (null) repeated and nested fields as absent', async () => {
    expect(await validate({ tags: null, experiment_ids: null, dataset: null }, Search)).toEqual(new Search());
  });

  it('takes an enum by name or by number, as text', async () => {
    expect(await validate({ view_type: 2 }, Search)).toMatchObject({ view_type: '2' });
    expect(await validate({ view_type: 'ALL' }, Search)).toMatchObject({ view_type: 'ALL' });
    expect((await refusal({ view_type: true }, Search)).message).toBe(wrongType('true', 'view_type', 'bool'));
  });

  it('refuses a string for a bool in a JSON body', async () => {
    expect((await refusal({ allow_deleted: 'true' }, Search)).message).toBe(wrongType('"true"', 'allow_deleted', 'str'));
  });

  it('refuses an int64 past a ceiling the domain sets with the schema’s message, quoting the value as sent', async () => {
    expect(await validate({ max_results: '100' }, Capped)).toMatchObject({ max_results: 100 });
    expect((await refusal({ max_results: 101 }, Capped)).message).toBe(wrongType('101', 'max_results', 'int'));
    expect((await refusal({ max_results: '101' }, Capped)).message).toBe(wrongType('"101"', 'max_results', 'str'));
  });

  it('words a custom check’s own sentence, and missing before it', async () => {
    expect((await refusal({ id: 'x1' }, Custom)).message).toBe(`Invalid value "x1" for parameter 'id': expected an integer.`);
    expect((await refusal({}, Custom)).message).toBe(missing('id'));
    expect(await validate({ id: '12' }, Custom)).toMatchObject({ id: '12' });
  });

  it('refuses a JSON body that is not an object, in MLflow’s dialect', async () => {
    const e = await refusal([metric], LogMetric);
    expect(e).toMatchObject({ httpStatus: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: 'Request body must be a JSON object' });
  });

  it('reads no body (a DELETE without one) as the empty message, as MLflow does', async () => {
    expect((await refusal(undefined, LogMetric)).message).toBe(missing('run_id'));
  });

  describe('query strings, where every value is text', () => {
    const GET = '/api/2.0/mlflow/experiments/search?max_results=5';

    it('takes a repeated parameter as a list, and a single one as a one-element list', async () => {
      expect(await validate({ experiment_ids: ['1', '2'] }, Search, 'query', GET)).toMatchObject({ experiment_ids: ['1', '2'] });
      expect(await validate({ experiment_ids: '1' }, Search, 'query', GET)).toMatchObject({ experiment_ids: ['1'] });
    });

    it('reads int64 from digits, an empty value as unset, and anything else as a wrong type', async () => {
      expect(await validate({ max_results: '20' }, Search, 'query', GET)).toMatchObject({ max_results: 20 });
      expect(await validate({ max_results: '' }, Search, 'query', GET)).toEqual(new Search());
      expect((await refusal({ max_results: 'ten' }, Search, 'query', GET)).message).toBe(wrongType('"ten"', 'max_results', 'str'));
    });

    it('counts a repeated single field once, taking the first, as MLflow does', async () => {
      expect(await validate({ max_results: ['3', '4'] }, Search, 'query', GET)).toMatchObject({ max_results: 3 });
    });

    it('reads "true" and "false" as booleans', async () => {
      expect(await validate({ allow_deleted: 'TRUE' }, Search, 'query', GET)).toMatchObject({ allow_deleted: true });
      expect((await refusal({ allow_deleted: 'yes' }, Search, 'query', GET)).message).toBe(wrongType('"yes"', 'allow_deleted', 'str'));
    });
  });
});
