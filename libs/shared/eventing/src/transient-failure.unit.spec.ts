import { EventValidationError } from '@custos/events';
import { isTransientFailure } from './transient-failure';

/** An error shaped as the pg driver, Node or kafkajs raise it. */
function failure(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), fields);
}

/** TypeORM's QueryFailedError: the driver's error under `driverError`, its fields copied on top. */
function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError, code: (driverError as { code?: string }).code });
}

describe('isTransientFailure', () => {
  it.each([
    ['a refused connection (database restarting)', failure('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a reset connection', failure('read ECONNRESET', { code: 'ECONNRESET' })],
    ['an AggregateError of refused addresses', Object.assign(new AggregateError([failure('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })], ''), {})],
    ['a server shutting down (57P01 admin shutdown)', queryFailed(failure('terminating connection due to administrator command', { code: '57P01' }))],
    ['a server starting up (57P03)', failure('the database system is starting up', { code: '57P03' })],
    ['a server shutting down, by message only', failure('the database system is shutting down')],
    ['a dropped connection (class 08)', failure('connection failure', { code: '08006' })],
    ['too many connections (class 53)', failure('sorry, too many clients already', { code: '53300' })],
    ['a serialization failure', queryFailed(failure('could not serialize access due to concurrent update', { code: '40001' }))],
    ['a deadlock', queryFailed(failure('deadlock detected', { code: '40P01' }))],
    ['a statement timeout', failure('canceling statement due to statement timeout', { code: '57014' })],
    ['the pg driver losing its connection', failure('Connection terminated unexpectedly')],
    ['the pool timing out', failure('timeout exceeded when trying to connect')],
    ['a data source not connected', failure('Cannot execute operation on "default" connection because connection is not yet established.', { name: 'CannotExecuteNotConnectedError' })],
    ['a kafkajs connection error', failure('Connection error: connect ECONNREFUSED', { name: 'KafkaJSConnectionError', retriable: true })],
    ['kafkajs giving up its own retries', failure('retries exceeded', { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false })],
    ['an object store slowing down', failure('Please reduce your request rate.', { code: 'SlowDown' })],
    ['an error wrapping a transient cause', new Error('could not append', { cause: failure('connect ECONNREFUSED', { code: 'ECONNREFUSED' }) })],
    ['an error that says it is transient', failure('upstream busy', { transient: true })],
  ])('is transient: %s', (_what, error) => {
    expect(isTransientFailure(error)).toBe(true);
  });

  it.each([
    ['a handler bug', new Error('boom: cannot apply')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'name')")],
    ['an invalid event', new EventValidationError('invalid_data', 'tracking.RunCreated v1: name: Required')],
    ['a unique violation', queryFailed(failure('duplicate key value violates unique constraint "x"', { code: '23505' }))],
    ['a NUL byte PostgreSQL refuses', queryFailed(failure('invalid byte sequence for encoding "UTF8": 0x00', { code: '22021' }))],
    ['a missing table', queryFailed(failure('relation "effects" does not exist', { code: '42P01' }))],
    ['a non-retriable kafkajs error', failure('Message too large', { name: 'KafkaJSProtocolError', retriable: false, type: 'MESSAGE_TOO_LARGE' })],
    ['not an error at all', 'a string'],
    ['nothing', undefined],
  ])('is not transient: %s', (_what, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });
});
