/** Why an AI endpoint or credential command was refused; the platform's error filter maps the code and status. */
export type AiConfigErrorCode = 'INVALID_PARAMETER_VALUE' | 'RESOURCE_ALREADY_EXISTS' | 'RESOURCE_DOES_NOT_EXIST' | 'INVALID_STATE';

const STATUS: Record<AiConfigErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 409,
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_STATE: 409,
};

export class AiConfigError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly errorCode: AiConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AiConfigError';
    this.httpStatus = STATUS[errorCode];
  }
}

export const invalid = (message: string) => new AiConfigError('INVALID_PARAMETER_VALUE', message);

/**
 * Endpoint and credential names: what callers put in `model` and in URL paths, so no slash, space
 * or colon, and a letter or digit first.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw invalid(`${kind} name must be 1-128 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
}
