/**
 * Failures of a dependency that pass on their own (a restart, a reset connection, a lost
 * serialization race): the request was not wrong, so the answer is 503 with Retry-After, never a
 * 500 (which clients, the stock mlflow client included, do not retry).
 */
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTCONN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot
 * connect now), 40001/40P01 (serialization failure, deadlock: the transaction may simply be rerun),
 * 53300 (too many connections).
 */
const PG_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '40001', '40P01', '53300']);

/** S3 error codes a store answers while it is busy or starting (MinIO's own included). */
const S3_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'RequestTimeout', 'XMinioServerNotInitialized']);

/** TypeORM's errors for a data source or query runner that has no live connection. */
const TYPEORM_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError', 'QueryRunnerAlreadyReleasedError', 'CannotConnectAlreadyConnectedError']);

/** kafkajs: broker unreachable or gone, a request timed out, no broker to send to. */
const KAFKA_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSNoBrokerAvailableError', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSNumberOfRetriesExceeded']);

/** node-postgres and pg-pool say these in words only. */
const MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /the database system is (shutting down|starting up|in recovery mode)/i, /client has encountered a connection error/i, /connection is not queryable/i];

export function isTransientFailure(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const err = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; originalError?: unknown; errors?: unknown };
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' ? err.code : '';
  if (SOCKET_CODES.has(code) || PG_CODES.has(code) || S3_CODES.has(code)) return true;
  if (TYPEORM_NAMES.has(name) || KAFKA_NAMES.has(name)) return true;
  if (typeof err.message === 'string' && MESSAGES.some((re) => re.test(err.message as string))) return true;
  // Wrapped failures: TypeORM's QueryFailedError (driverError), kafkajs (originalError), Error.cause,
  // and AggregateError (a connect that tried every address).
  const inner = [err.cause, err.driverError, err.originalError, ...(Array.isArray(err.errors) ? err.errors : [])];
  return inner.some((x) => x !== e && isTransientFailure(x, depth + 1));
}
