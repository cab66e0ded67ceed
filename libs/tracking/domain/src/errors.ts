/**
 * MLflow's error codes (`databricks.proto` ErrorCode) and the HTTP status MLflow answers each with
 * (`mlflow/exceptions.py` ERROR_CODE_TO_HTTP_STATUS), so the stock client sees the same
 * `{error_code, message}` bodies and statuses it would from an MLflow server.
 *
 * One deliberate difference: MLflow answers INVALID_STATE with 500, and the MLflow client retries
 * 5xx for minutes. INVALID_STATE is deterministic (renaming a deleted experiment fails every time),
 * so it is a 400 here: the client fails at once with the same error code instead of retrying.
 */
export const TRACKING_ERROR_HTTP_STATUS = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 400,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  RESOURCE_EXHAUSTED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
} as const;

export type TrackingErrorCode = keyof typeof TRACKING_ERROR_HTTP_STATUS;

/** MLflow's error response body. */
export interface MlflowErrorBody {
  error_code: TrackingErrorCode;
  message: string;
}

/** A domain error with a stable MLflow code; the HTTP layer maps it in one place via `httpStatus`. */
export class TrackingError extends Error {
  constructor(
    readonly code: TrackingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrackingError';
  }

  get httpStatus(): number {
    return TRACKING_ERROR_HTTP_STATUS[this.code];
  }

  toBody(): MlflowErrorBody {
    return { error_code: this.code, message: this.message };
  }

  static invalidParameter(message: string): TrackingError {
    return new TrackingError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): TrackingError {
    return new TrackingError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): TrackingError {
    return new TrackingError('RESOURCE_ALREADY_EXISTS', message);
  }

  static invalidState(message: string): TrackingError {
    return new TrackingError('INVALID_STATE', message);
  }
}

export function isTrackingError(e: unknown): e is TrackingError {
  return e instanceof TrackingError;
}
