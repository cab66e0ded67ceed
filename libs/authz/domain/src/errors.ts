/**
 * The MLflow error codes authz answers with, and MLflow's HTTP status for each
 * (`mlflow/exceptions.py`), so AuthServiceClient sees the bodies and statuses an MLflow server
 * would send. The platform's error filter maps any error carrying `code` and `httpStatus`.
 */
export const AUTHZ_ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  /** MLflow answers 500; the state is deterministic, so 400 stops the client retrying for minutes. */
  INVALID_STATE: 400,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
} as const;

export type AuthzErrorCode = keyof typeof AUTHZ_ERROR_HTTP_STATUS;

export class AuthzError extends Error {
  constructor(
    readonly code: AuthzErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthzError';
  }

  get httpStatus(): number {
    return AUTHZ_ERROR_HTTP_STATUS[this.code];
  }

  static invalid(message: string): AuthzError {
    return new AuthzError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): AuthzError {
    return new AuthzError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): AuthzError {
    return new AuthzError('RESOURCE_ALREADY_EXISTS', message);
  }

  static denied(message: string): AuthzError {
    return new AuthzError('PERMISSION_DENIED', message);
  }
}

export function isAuthzError(e: unknown, code?: AuthzErrorCode): e is AuthzError {
  return e instanceof AuthzError && (code === undefined || e.code === code);
}
