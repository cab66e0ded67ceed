import { isTrackingError, TRACKING_ERROR_HTTP_STATUS, TrackingError } from './errors';

describe('TrackingError', () => {
  it.each([
    ['INVALID_PARAMETER_VALUE', 400],
    ['RESOURCE_ALREADY_EXISTS', 400],
    ['BAD_REQUEST', 400],
    ['RESOURCE_DOES_NOT_EXIST', 404],
    ['ENDPOINT_NOT_FOUND', 404],
    ['PERMISSION_DENIED', 403],
    ['UNAUTHENTICATED', 401],
    ['REQUEST_LIMIT_EXCEEDED', 429],
    ['RESOURCE_CONFLICT', 409],
    ['INTERNAL_ERROR', 500],
    ['TEMPORARILY_UNAVAILABLE', 503],
    ['NOT_IMPLEMENTED', 501],
  ] as const)('maps %s to HTTP %i as MLflow does', (code, status) => {
    expect(new TrackingError(code, 'x').httpStatus).toBe(status);
  });

  it('answers INVALID_STATE with a 4xx so the MLflow client does not retry a deterministic failure', () => {
    expect(TrackingError.invalidState('Cannot rename a non-active experiment.').httpStatus).toBe(400);
  });

  it('every deterministic domain code is a 4xx', () => {
    for (const code of ['INVALID_PARAMETER_VALUE', 'RESOURCE_ALREADY_EXISTS', 'RESOURCE_DOES_NOT_EXIST', 'INVALID_STATE', 'PERMISSION_DENIED', 'BAD_REQUEST'] as const) {
      expect(TRACKING_ERROR_HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(TRACKING_ERROR_HTTP_STATUS[code]).toBeLessThan(500);
    }
  });

  it('serialises to the MLflow error body', () => {
    const e = TrackingError.notFound('Run with id=abc not found');
    expect(e.toBody()).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=abc not found' });
    expect(e).toBeInstanceOf(Error);
    expect(isTrackingError(e)).toBe(true);
    expect(isTrackingError(new Error('x'))).toBe(false);
  });

  it('has shorthands for the common codes', () => {
    expect(TrackingError.invalidParameter('m').code).toBe('INVALID_PARAMETER_VALUE');
    expect(TrackingError.alreadyExists('m').code).toBe('RESOURCE_ALREADY_EXISTS');
  });
});
