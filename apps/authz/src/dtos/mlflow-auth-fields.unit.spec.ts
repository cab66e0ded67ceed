import 'reflect-metadata';
import { ArgumentMetadata, Logger } from '@nestjs/common';
import { ApiError, platformValidationPipe, requestContext } from '@custos/platform';
import { RoleAssignmentRequest, UpdateAdminRequest } from './mlflow-auth.dto';

const pipe = platformValidationPipe();
const DOCS = ' See the API docs for more information about request parameters.';
const missing = (name: string) => `Missing value for required parameter '${name}'.${DOCS}`;

function read(value: unknown, metatype: new () => object, type: ArgumentMetadata['type'] = 'body'): Promise<unknown> {
  return requestContext.run({ correlationId: 'test', path: '/api/2.0/mlflow/users/update-admin' }, () => pipe.transform(value, { type, metatype }) as Promise<unknown>);
}

async function refusal(value: unknown, metatype: new () => object): Promise<ApiError> {
  try {
    await read(value, metatype);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}

describe("MLflow auth's untyped fields as DTO checks", () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('takes is_admin as a JSON boolean or its text, in any case', async () => {
    expect(await read({ username: 'u', is_admin: false }, UpdateAdminRequest)).toMatchObject({ is_admin: false });
    expect(await read({ username: 'u', is_admin: 'TRUE' }, UpdateAdminRequest)).toMatchObject({ is_admin: true });
  });

  it('refuses any other is_admin, and says when it is missing', async () => {
    expect(await refusal({ username: 'u', is_admin: 'yes' }, UpdateAdminRequest)).toMatchObject({
      httpStatus: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: `Invalid value "yes" for parameter 'is_admin': expected true or false.`,
    });
    for (const is_admin of [undefined, null, '']) expect((await refusal({ username: 'u', is_admin }, UpdateAdminRequest)).message).toBe(missing('is_admin'));
  });

  it('takes an integer id as a number or digits, handed on as its text', async () => {
    expect(await read({ username: 'u', role_id: 7 }, RoleAssignmentRequest)).toMatchObject({ role_id: '7' });
    expect(await read({ username: 'u', role_id: ' 007 ' }, RoleAssignmentRequest)).toMatchObject({ role_id: '7' });
  });

  it('refuses any other id, and reads the user before the role, as MLflow’s handler does', async () => {
    expect((await refusal({ username: 'u', role_id: 'x1' }, RoleAssignmentRequest)).message).toBe(`Invalid value "x1" for parameter 'role_id': expected an integer.`);
    expect((await refusal({ username: 'u', role_id: 1.5 }, RoleAssignmentRequest)).message).toBe(`Invalid value 1.5 for parameter 'role_id': expected an integer.`);
    expect((await refusal({}, RoleAssignmentRequest)).message).toBe(missing('username'));
  });
});
