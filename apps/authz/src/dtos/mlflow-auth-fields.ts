import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { isUnset, MlflowCheck, MlflowRequired } from '@custos/platform';

/*
 * The two fields of MLflow's auth API that are not protobuf-typed (its handlers read them with
 * `_get_request_param`), as decorators for the auth DTOs (decision 041). Both are required.
 */

/** `is_admin`: a JSON boolean, or its text ("true"/"false", any case) as a query or form sends it. */
export function AuthBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value)),
    MlflowCheck('authBoolean', (v) => isUnset(v) || v === '' || typeof v === 'boolean', "Invalid value {json} for parameter '{path}': expected true or false."),
    MlflowRequired('bool'),
  );
}

/** MLflow's integer ids (`role_id`, `role_permission_id`): a JSON number or digits, handed on as the id's text ("007" is "7"). */
export function AuthIntegerId(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
      return s !== undefined && /^\d{1,16}$/.test(s) ? String(Number(s)) : value;
    }),
    MlflowCheck('authIntegerId', (v) => isUnset(v) || v === '' || (typeof v === 'string' && /^\d+$/.test(v)), "Invalid value {json} for parameter '{path}': expected an integer."),
    MlflowRequired(),
  );
}
