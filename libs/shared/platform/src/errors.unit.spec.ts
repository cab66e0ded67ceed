import { expect } from '@jest/globals';
import { ArgumentsHost, Logger } from '@nestjs/common';
import { ApiError, denialOf, ErrorFilter, isMlflowPath, toCoded } from './errors';

describe('denials carried by errors', () => {
  const reasonOf = (e: unknown) => denialOf(e, toCoded(e));

  it('a 404 that hides a refusal carries the policy reason; a plain 404 carries none', () => {
    expect(reasonOf(new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'No experiment 7', 'lacks READ on experiment 7'))).toBe('lacks READ on experiment 7');
    expect(reasonOf(new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'No experiment 7'))).toBeUndefined();
  });

  it('every 403 is a denial, with its message as the reason unless it names one', () => {
    expect(reasonOf(new ApiError(403, 'PERMISSION_DENIED', 'Permission denied: requires admin'))).toBe('Permission denied: requires admin');
    expect(reasonOf(new ApiError(403, 'PERMISSION_DENIED', 'Permission denied', 'key scope caps experiments at read'))).toBe('key scope caps experiments at read');
    expect(reasonOf(new ApiError(400, 'INVALID_PARAMETER_VALUE', 'bad'))).toBeUndefined();
  });
});

describe('database refusals', () => {
  /** What TypeORM throws for a failed query: the driver's fields copied onto a QueryFailedError. */
  const queryFailed = (code: string, message: string) => Object.assign(new Error(message), { name: 'QueryFailedError', code, constraint: 'runs_pkey', query: 'INSERT ...' });

  it('a data exception is a 400 that names no type, column or driver', () => {
    const coded = toCoded(queryFailed('22P02', 'invalid input syntax for type bigint: "abc"'));
    expect(coded).toEqual({ httpStatus: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
    expect(coded.message).not.toMatch(/syntax|bigint|abc/);
    expect(toCoded(queryFailed('22021', 'invalid byte sequence for encoding "UTF8": 0x00')).httpStatus).toBe(400);
  });

  it('a unique violation is a 409 RESOURCE_ALREADY_EXISTS that names no constraint', () => {
    const coded = toCoded(queryFailed('23505', 'duplicate key value violates unique constraint "runs_pkey"'));
    expect(coded).toMatchObject({ httpStatus: 409, errorCode: 'RESOURCE_ALREADY_EXISTS' });
    expect(coded.message).not.toMatch(/duplicate key|runs_pkey|constraint/);
  });

  it('a raw node-postgres error maps the same way; any other failure stays a generic 500', () => {
    const raw = Object.assign(new Error('value too long for type character varying(250)'), { code: '22001', severity: 'ERROR' });
    expect(toCoded(raw).httpStatus).toBe(400);
    const other = toCoded(queryFailed('42P01', 'relation "runs" does not exist'));
    expect(other).toEqual({ httpStatus: 500, errorCode: 'INTERNAL_ERROR', message: 'internal error' });
  });
});

describe('transient failures', () => {
  const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
  const named = (name: string, message = 'failed') => Object.assign(new Error(message), { name });

  it.each<[string, unknown]>([
    ['a connection reset', withCode('ECONNRESET')],
    ['a broken pipe', withCode('EPIPE')],
    ['a socket timeout', withCode('ETIMEDOUT')],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL crash shutdown (57P02)', withCode('57P02')],
    ['PostgreSQL starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ...['08000', '08001', '08003', '08004', '08006'].map((c): [string, unknown] => [`PostgreSQL connection exception ${c}`, withCode(c)]),
    ['a serialization failure (40001)', withCode('40001')],
    ['a deadlock (40P01)', withCode('40P01')],
    ['node-postgres losing its connection', new Error('Connection terminated unexpectedly')],
    ["TypeORM's not-connected error", named('CannotExecuteNotConnectedError')],
    ["TypeORM's QueryFailedError around a reset", Object.assign(named('QueryFailedError'), { driverError: withCode('ECONNRESET') })],
    ['a Kafka connection error', named('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092')],
    ['a Kafka request timeout', named('KafkaJSRequestTimeoutError')],
    ['Kafka retries exhausted over a lost broker', Object.assign(named('KafkaJSNumberOfRetriesExceeded'), { cause: named('KafkaJSConnectionClosedError') })],
    ['an object store that is busy', Object.assign(named('S3Error'), { code: 'SlowDown' })],
    ['an object store that is down', Object.assign(new Error('connect failed', { cause: withCode('ECONNREFUSED') }))],
    ['a connect that failed on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
  ])('%s is a 503 TEMPORARILY_UNAVAILABLE', (_, e) => {
    expect(toCoded(e)).toEqual({ httpStatus: 503, errorCode: 'TEMPORARILY_UNAVAILABLE', message: 'a dependency is unavailable; retry shortly' });
  });

  it.each<[string, unknown]>([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['an unknown failure with a code', withCode('ESOMETHING', 'something odd')],
  ])('%s stays a 500 without its text', (_, e) => {
    expect(toCoded(e)).toEqual({ httpStatus: 500, errorCode: 'INTERNAL_ERROR', message: 'internal error' });
  });
});

describe('ErrorFilter', () => {
  function answer(e: unknown, path = '/api/2.0/mlflow/runs/get') {
    const headers: Record<string, string> = {};
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      headersSent: false,
      set statusCode(s: number) {
        sent.status = s;
      },
      setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v),
      hasHeader: (k: string) => k.toLowerCase() in headers,
      end(b: string) {
        sent.body = JSON.parse(b);
      },
    };
    const host = { switchToHttp: () => ({ getRequest: () => ({ path }), getResponse: () => res }) } as unknown as ArgumentsHost;
    new ErrorFilter().catch(e, host);
    return { headers, ...sent };
  }

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('sets Retry-After on every 503, whatever raised it, and on nothing else', () => {
    expect(answer(Object.assign(new Error('x'), { code: '57P01' }))).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(answer(new ApiError(503, 'TEMPORARILY_UNAVAILABLE', 'busy'), '/api/audit/events')).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(answer(new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'no')).headers['retry-after']).toBeUndefined();
  });
});

describe('which paths answer in MLflow dialect', () => {
  it.each(['/api/2.0/mlflow/runs/get', '/ajax-api/2.0/mlflow/get-artifact', '/api/3.0/mlflow/users/x', '/get-artifact'])('%s is MLflow', (p) => expect(isMlflowPath(p)).toBe(true));
  it.each(['/api/audit/events', '/get-artifacts', '/get-artifact/x', '/api/authz/api-keys'])('%s is not', (p) => expect(isMlflowPath(p)).toBe(false));
});
