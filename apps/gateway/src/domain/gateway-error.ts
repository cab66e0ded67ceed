/**
 * Errors of the gateway's own API with a stable code and status; the platform's error filter maps
 * them (RFC 9457 problem details on `/api/gateway/*`).
 */
export type GatewayErrorCode = 'INVALID_PARAMETER_VALUE' | 'RESOURCE_ALREADY_EXISTS' | 'RESOURCE_DOES_NOT_EXIST' | 'NOT_IMPLEMENTED';

const STATUS: Record<GatewayErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 409,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_IMPLEMENTED: 501,
};

export class GatewayError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly errorCode: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.httpStatus = STATUS[errorCode];
  }
}
