import { appendToUriPath, runArtifactUri } from './artifact-uri';
import { TrackingError } from './errors';
import {
  codePointLength,
  posixNormpath,
  validateBatchLogLimits,
  validateBatchLogRequestSize,
  validateDatasetInputs,
  validateExperimentName,
  validateKeyName,
  validateMetric,
  validateParam,
  validateRunId,
  validateSearchExperimentsMaxResults,
  validateSearchLoggedModelsMaxResults,
  validateSearchRunsMaxResults,
  validateTag,
} from './validation';

function errorOf(fn: () => unknown): TrackingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrackingError) return e;
    throw e;
  }
  throw new Error('expected a TrackingError');
}

describe('validation', () => {
  it('normalises paths like Python posixpath.normpath', () => {
    expect(posixNormpath('')).toBe('.');
    expect(posixNormpath('a/./b')).toBe('a/b');
    expect(posixNormpath('a//b/')).toBe('a/b');
    expect(posixNormpath('a/../b')).toBe('b');
    expect(posixNormpath('../a')).toBe('../a');
    expect(posixNormpath('/../a')).toBe('/a');
    expect(posixNormpath('//a')).toBe('//a');
    expect(posixNormpath('///a')).toBe('/a');
  });

  it.each(['loss', 'val/loss', 'a.b', 'with space', 'time:step', 'naïve_ключ', '__proto__'])('accepts the key %j', (key) => {
    expect(() => validateKeyName(key)).not.toThrow();
  });

  it.each([
    ['', /resolve to '\.'/],
    ['.', /resolve to '\.'/],
    ['..', /resolve to '\.\.'/],
    ['a/../b', /resolve to 'b'/],
    ['/abs', /resolve to '\/abs'/],
    ['a//b', /resolve to 'a\/b'/],
    ['trailing/', /resolve to 'trailing'/],
    ['a*b', /Names may only contain alphanumerics/],
    ['tab\there', /Names may only contain/],
  ])('refuses the key %j', (key, message) => {
    const e = errorOf(() => validateKeyName(key));
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`Invalid value ${JSON.stringify(key)} for parameter 'key' supplied`);
  });

  it('accepts any double as a metric value but only whole, non-negative timestamps', () => {
    for (const value of [0, -1.5, NaN, Infinity, -Infinity]) expect(() => validateMetric({ key: 'm', value, timestamp: 0, step: -3 })).not.toThrow();
    expect(errorOf(() => validateMetric({ key: 'm', value: 1, timestamp: -1, step: 0 })).message).toMatch(/Timestamp must be a nonnegative long/);
    expect(errorOf(() => validateMetric({ key: 'm', value: 1, timestamp: 0, step: 1.5 })).message).toMatch(/Step must be a valid long/);
    expect(errorOf(() => validateMetric({ key: 'm'.repeat(251), value: 1, timestamp: 0, step: 0 })).message).toBe("'Metric name' exceeds the maximum length of 250 characters");
  });

  it('checks each metric name of a batch once, and still every value, timestamp and step', () => {
    const validKeys = new Set<string>();
    validateMetric({ key: 'loss', value: 1, timestamp: 0, step: 0 }, 'metrics[0]', validKeys);
    expect([...validKeys]).toEqual(['loss']);
    expect(errorOf(() => validateMetric({ key: 'loss', value: 1, timestamp: -1, step: 0 }, 'metrics[1]', validKeys)).message).toMatch(/Timestamp must be/);
    expect(errorOf(() => validateMetric({ key: 'loss', value: 1, timestamp: 0, step: 0.5 }, 'metrics[2]', validKeys)).message).toMatch(/Step must be/);
    const long = 'm'.repeat(251);
    for (const i of [3, 4]) expect(errorOf(() => validateMetric({ key: long, value: 1, timestamp: 0, step: 0 }, `metrics[${i}]`, validKeys)).message).toMatch(/exceeds the maximum length/);
    for (const i of [5, 6]) expect(errorOf(() => validateMetric({ key: '../x', value: 1, timestamp: 0, step: 0 }, `metrics[${i}]`, validKeys)).message).toContain(`metrics[${i}].name`);
    expect([...validKeys]).toEqual(['loss']);
  });

  it('truncates long param and tag values by code points unless told not to', () => {
    const emoji = '😀'.repeat(6001);
    expect(codePointLength(validateParam({ key: 'p', value: emoji }))).toBe(6000);
    expect(validateParam({ key: 'p', value: '😀'.repeat(6000) })).toBe('😀'.repeat(6000));
    expect(() => validateParam({ key: 'p', value: 'x'.repeat(6001) }, '', { truncateLongValues: false })).toThrow("'Param value' exceeds the maximum length of 6000 characters");
    expect(validateTag({ key: 't', value: 'x'.repeat(9000) })).toHaveLength(8000);
    expect(() => validateTag({ key: 't', value: 'x'.repeat(8001) }, 'tags[0]', { truncateLongValues: false })).toThrow("'tags[0].value' exceeds the maximum length of 8000");
    expect(() => validateParam({ key: 'k'.repeat(251), value: '' })).toThrow("'Param key' exceeds the maximum length of 250");
  });

  it('enforces log-batch limits', () => {
    expect(() => validateBatchLogLimits({ metrics: 1000, params: 0, tags: 0 })).not.toThrow();
    expect(() => validateBatchLogLimits({ metrics: 900, params: 50, tags: 50 })).not.toThrow();
    expect(() => validateBatchLogLimits({ metrics: 900, params: 50, tags: 51 })).toThrow(
      'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.',
    );
    expect(() => validateBatchLogRequestSize(1_000_001)).toThrow('Batched logging API requests must be at most 1000000 bytes');
  });

  it('validates ids, names and datasets', () => {
    expect(() => validateRunId('0a1b')).not.toThrow();
    expect(() => validateRunId('_x')).toThrow(`Invalid value "_x" for parameter 'run_id' supplied.`);
    expect(() => validateExperimentName('')).toThrow("Invalid experiment name: ''");
    expect(() => validateDatasetInputs([{ name: 'd', digest: 'x', sourceType: 's', source: '', schema: 's'.repeat(1_048_576), profile: null, tags: [] }])).toThrow(
      "'schema' exceeds the maximum length of 1048575",
    );
    expect(() => validateDatasetInputs([{ name: 'd', digest: 'x', sourceType: 's', source: '', schema: null, profile: null, tags: [{ key: 'k', value: 'v'.repeat(501) }] }])).toThrow(
      "'value' exceeds the maximum length of 500",
    );
  });

  it("bounds max_results in MLflow's words", () => {
    expect(() => validateSearchRunsMaxResults(50_000)).not.toThrow();
    expect(() => validateSearchRunsMaxResults(50_001)).toThrow(
      "Invalid value 50001 for parameter 'max_results' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
    );
    expect(() => validateSearchRunsMaxResults(50_001, '50001')).toThrow(
      "Invalid value \"50001\" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
    );
    expect(() => validateSearchRunsMaxResults(0)).toThrow("Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
    expect(() => validateSearchRunsMaxResults(-1)).toThrow(TrackingError);
    expect(() => validateSearchExperimentsMaxResults(0)).toThrow("Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
    expect(() => validateSearchExperimentsMaxResults(50_001)).toThrow("Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000");
    expect(() => validateSearchLoggedModelsMaxResults(50_001)).toThrow("Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000");
    expect(() => validateSearchLoggedModelsMaxResults(-2)).toThrow("Invalid value -2 for parameter 'max_results' supplied. It must be a positive integer");
  });

  it('derives artifact locations as MLflow does', () => {
    expect(runArtifactUri('mlflow-artifacts:/1', 'abc')).toBe('mlflow-artifacts:/1/abc/artifacts');
    expect(runArtifactUri('s3://bucket/exp/', 'abc')).toBe('s3://bucket/exp/abc/artifacts');
    expect(appendToUriPath('mlflow-artifacts:/', '0')).toBe('mlflow-artifacts:/0');
    expect(appendToUriPath('file:///tmp')).toBe('file:///tmp');
  });
});
