import { ApiError, denialOf, toCoded } from './errors';

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
