import 'reflect-metadata';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ApiError, ErrorFilter } from './errors';
import { QueryInteger } from './query-integer';
import { platformValidationPipe } from './validation';

class Grant {
  @IsIn(['READ', 'EDIT'])
  permission!: string;
}

class Body {
  @IsString()
  @MaxLength(8)
  name!: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Grant)
  grants?: Grant[];
}

class Page {
  @QueryInteger({ min: 1, max: 1000 })
  limit: number = 100;

  @IsOptional()
  @QueryInteger({ min: 0 })
  after?: number;
}

const pipe = platformValidationPipe();

async function refusal(value: unknown, metatype: new () => object, type: 'body' | 'query' = 'body'): Promise<ApiError> {
  try {
    await pipe.transform(value, { type, metatype });
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}

/** What the platform's filter writes for an error raised on `path`. */
function written(e: unknown, path: string) {
  const headers: Record<string, string> = {};
  const res = {
    headersSent: false,
    statusCode: 200,
    body: '',
    setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v),
    hasHeader: (k: string) => k.toLowerCase() in headers,
    end(b: string) {
      res.body = b;
    },
  };
  const host = { switchToHttp: () => ({ getRequest: () => ({ originalUrl: path, path }), getResponse: () => res }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(e, host);
  return { status: res.statusCode, contentType: headers['content-type'], body: JSON.parse(res.body) as unknown };
}

describe('the platform validation pipe', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('names the field and says what is wrong, in plain words', async () => {
    expect((await refusal({ name: 7 }, Body)).message).toBe("Field 'name' must be a string.");
    expect((await refusal({}, Body)).message).toBe("Missing value for required field 'name'.");
    expect((await refusal({ name: 'a', color: 'red' }, Body)).message).toBe("Unknown field 'color'.");
    expect((await refusal({ name: 'a', grants: [{ permission: 'READ' }, { permission: 'ALL' }] }, Body)).message).toBe("Field 'grants[1].permission' must be one of the following values: READ, EDIT.");
    expect((await refusal({ name: 'a', grants: 'x' }, Body)).message).toBe("Field 'grants' must be a list of objects.");
  });

  it('never shows the validator’s rule names or the rejected value', async () => {
    const e = await refusal({ name: 'secret-value-too-long', extra: 1 }, Body);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ httpStatus: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    expect(e.message).not.toMatch(/maxLength|isString|whitelistValidation|constraint|secret-value/);
  });

  it('turns query digits into numbers and refuses non-numeric, negative and fractional values', async () => {
    expect(await pipe.transform({}, { type: 'query', metatype: Page })).toEqual(Object.assign(new Page(), { limit: 100 }));
    expect(await pipe.transform({ limit: '20', after: '0' }, { type: 'query', metatype: Page })).toMatchObject({ limit: 20, after: 0 });
    for (const bad of ['x', '-1', '1.5', '1e3', '0', '1001', '', ' 5']) {
      expect((await refusal({ limit: bad }, Page, 'query')).message).toBe("Field 'limit' must be a whole number from 1 to 1000.");
    }
    expect((await refusal({ limit: ['1', '2'] }, Page, 'query')).httpStatus).toBe(400);
  });

  it('passes parameters that are not DTO classes through untouched (MLflow readers see the raw input)', async () => {
    const raw = { anything: [1, { deep: true }] };
    expect(await pipe.transform(raw, { type: 'body', metatype: Object })).toBe(raw);
    expect(await pipe.transform('7', { type: 'query', metatype: String, data: 'x' })).toBe('7');
  });

  it('answers MLflow routes as {error_code, message} and other routes as problem details', async () => {
    const e = await refusal({ name: 7 }, Body);
    expect(written(e, '/api/2.0/mlflow/users/create')).toEqual({
      status: 400,
      contentType: 'application/json; charset=utf-8',
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Field 'name' must be a string." },
    });
    expect(written(e, '/api/authz/roles?x=1')).toEqual({
      status: 400,
      contentType: 'application/problem+json; charset=utf-8',
      body: { type: 'urn:custos:error:invalid_parameter_value', title: 'INVALID_PARAMETER_VALUE', status: 400, detail: "Field 'name' must be a string." },
    });
  });
});
