import { UpstreamReply } from '../../provider-adapter';
import { UpstreamError, UpstreamErrorKind } from '../../upstream-error';
import { headerValue, kindForStatus, refineBadRequest, upstreamError } from '../support/upstream-status';
import { parseObjectLoosely, str } from '../support/wire-json';

/** Bedrock's error (and stream exception) names. */
const KIND_BY_TYPE: Record<string, UpstreamErrorKind> = {
  ThrottlingException: 'rate_limited',
  ServiceQuotaExceededException: 'rate_limited',
  TooManyRequestsException: 'rate_limited',
  ValidationException: 'bad_request',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  ExpiredTokenException: 'auth',
  IncompleteSignatureException: 'auth',
  ResourceNotFoundException: 'not_found',
  ModelNotReadyException: 'server',
  ModelErrorException: 'server',
  InternalServerException: 'server',
  ServiceUnavailableException: 'server',
  ModelTimeoutException: 'timeout',
  // the model failed while streaming: the stream is broken
  ModelStreamErrorException: 'protocol',
};

/** `x-amzn-errortype: ValidationException:http://internal.amazon.com/...` → `ValidationException` */
export function errorTypeName(value: string | undefined): string {
  const name = (value ?? '').split(':')[0].split('#').pop() ?? '';
  // event stream exception types are lowerCamel (throttlingException)
  return name ? name[0].toUpperCase() + name.slice(1) : '';
}

export function bedrockKind(type: string, status: number | undefined, message: string): UpstreamErrorKind {
  const byType = KIND_BY_TYPE[type];
  if (byType) return refineBadRequest(byType, message);
  return status ? kindForStatus(status, message) : 'protocol';
}

/** Classified by `x-amzn-errortype` (or the body's `__type`), refined by `{message}`. */
export function bedrockError(reply: UpstreamReply): UpstreamError {
  const body = parseObjectLoosely(reply.body);
  const message = str(body.message) ?? str(body.Message) ?? '';
  const type = errorTypeName(headerValue(reply.headers, 'x-amzn-errortype') ?? str(body.__type));
  return upstreamError('bedrock', bedrockKind(type, reply.status, message), reply.status, message, reply.headers);
}
