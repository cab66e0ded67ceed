/**
 * Whether a failure says "the system is unwell, try again" rather than "this input is wrong". One
 * rule for the whole platform: an HTTP answer is then a 503 with Retry-After (never a 500, which
 * clients do not retry), and a consumer retries a transient failure for as long as it takes (the event would apply on a
 * healthy system); only a failure that is not transient may send an event to the dead-letter
 * topic. When in doubt the answer is "not transient": a stall is loud, but a wrongly transient
 * poison event would stall its partition, so the lists below name only what is unambiguous.
 */
export function isTransientFailure(error: unknown): boolean {
  return causes(error).some(isTransientCause);
}

/** Node socket and DNS errors: the peer (database, broker, object store) is away or unreachable. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENOTCONN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * PostgreSQL SQLSTATEs that a retry on a healthy server clears: 40001 serialization failure, 40P01
 * deadlock, 55P03 lock not available, 57014 statement timeout, 57P01-57P05 shutdown, crash and
 * "cannot connect now" (starting up, shutting down). Classes 08 (connection) and 53 (insufficient
 * resources, e.g. too many connections) are matched by prefix.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '57P04', '57P05']);
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53'];

/** S3 error codes that mean the store is busy or restarting. */
const TRANSIENT_S3_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'RequestTimeTooSkewed', 'XMinioServerNotInitialized']);

/** TypeORM's errors for a data source that is not (or no longer) connected. */
const TRANSIENT_ERROR_NAMES = new Set(['CannotExecuteNotConnectedError', 'CannotGetEntityManagerNotConnectedError', 'ConnectionIsNotSetError', 'QueryRunnerAlreadyReleasedError', 'TimeoutError']);

/** kafkajs's errors for a broker that is unreachable, gone or slow, whether or not it marked them retriable. */
const KAFKA_OUTAGE_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout']);

/** Messages the pg driver and pool give without a code when a connection drops or cannot be had. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /client has encountered a connection error/i,
  /timeout exceeded when trying to connect/i,
  /database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /socket hang up/i,
  /connection is not queryable/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  retriable?: unknown;
  transient?: unknown;
  cause?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

function isTransientCause(e: ErrorLike): boolean {
  if (e.transient === true) return true;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  // kafkajs marks what a broker or connection outage raises as retriable (its own retries ran out).
  if (name.startsWith('KafkaJS') && (e.retriable === true || name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSGroupCoordinatorNotFound' || name === 'KafkaJSNoBrokerAvailableError'))
    return true;
  if (TRANSIENT_ERROR_NAMES.has(name) || KAFKA_OUTAGE_NAMES.has(name)) return true;
  if (TRANSIENT_SYSTEM_CODES.has(code) || TRANSIENT_S3_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2)))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return TRANSIENT_MESSAGES.some((re) => re.test(message));
}

/** The error and what it wraps: `cause`, TypeORM's `driverError`, kafkajs's `originalError`, an AggregateError's `errors`. */
function causes(error: unknown, depth = 0): ErrorLike[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const e = error as ErrorLike;
  const nested = [e.cause, e.driverError, e.originalError, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])];
  return [e, ...nested.flatMap((n) => (n === error ? [] : causes(n, depth + 1)))];
}
