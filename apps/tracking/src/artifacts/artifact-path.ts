import { TrackingError } from '@custos/tracking-domain';

/**
 * Where an artifact path points. Proxied artifact paths are relative to the artifact store root and
 * always name their owner: `<experiment_id>/<run_id>/artifacts/<rel>` for a run and
 * `<experiment_id>/models/<model_id>/artifacts/<rel>` for a logged model (the layout MLflow derives
 * from an experiment's `mlflow-artifacts:/<experiment_id>` location). Access is decided on the
 * experiment, and every read, write or delete stays under the owner's root.
 */
export interface ArtifactLocation {
  experimentId: string;
  runId: string | null;
  modelId: string | null;
  /** The owner's artifact root, e.g. `1/<run_id>/artifacts`. */
  root: string;
  /** Below the root; '' for the root itself. */
  relative: string;
  /** `root/relative`, or `root` for the root: the key artifacts are stored and listed by. */
  path: string;
}

export const MAX_PATH_LENGTH = 4096;
const MAX_SEGMENT_BYTES = 255;
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const FORBIDDEN = /[\u0000-\u001f\u007f\\/#]/;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

function invalid(reason: string): TrackingError {
  return TrackingError.invalidParameter(`Invalid artifact path: ${reason}`);
}

/**
 * One decoded path segment. Anything that a later decode or a filesystem could turn into a
 * traversal is refused rather than normalised: dot segments, separators smuggled in by encoding,
 * backslashes, control characters and NUL, and escapes left over from double encoding.
 */
function checkSegment(seg: string): void {
  if (seg === '') throw invalid('empty segment (leading, trailing or doubled "/")');
  if (seg === '.' || seg === '..') throw invalid('"." and ".." segments are not allowed');
  if (FORBIDDEN.test(seg)) throw invalid('backslash, "#", encoded "/", NUL and control characters are not allowed');
  if (PERCENT_ESCAPE.test(seg)) throw invalid('percent-escapes that remain after decoding (double encoding) are not allowed');
  if (Buffer.byteLength(seg, 'utf8') > MAX_SEGMENT_BYTES) throw invalid(`a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid('malformed percent-encoding');
  }
}

export interface ParseOptions {
  /** List and delete may name the owner's root itself; upload and download need a file below it. */
  allowRoot: boolean;
}

/** From the URL: the still percent-encoded path after `/mlflow-artifacts/artifacts/` (or `mpu/...`). */
export function artifactPathFromUrl(rawPath: string, opts: ParseOptions): ArtifactLocation {
  if (rawPath.length > MAX_PATH_LENGTH * 3) throw invalid('too long');
  if (rawPath.includes('\\')) throw invalid('backslashes are not allowed');
  return fromSegments(rawPath.split('/').map(decodeSegment), opts);
}

/** From a query parameter, already decoded once by the query parser. */
export function artifactPathFromQuery(value: unknown, opts: ParseOptions): ArtifactLocation {
  if (value === undefined || value === null || value === '') throw invalid('a path below a run or logged model artifact root is required');
  if (typeof value !== 'string') throw invalid('path must be given once, as a string');
  // `posixpath.join(root, "dir/")` keeps a trailing slash; it names the same directory.
  const trimmed = value.endsWith('/') && value.length > 1 ? value.slice(0, -1) : value;
  return fromSegments(trimmed.split('/'), opts);
}

function fromSegments(segments: string[], opts: ParseOptions): ArtifactLocation {
  segments.forEach(checkSegment);
  const path = segments.join('/');
  if (path.length > MAX_PATH_LENGTH) throw invalid(`longer than ${MAX_PATH_LENGTH} characters`);
  const [experimentId, second] = segments;
  let runId: string | null = null;
  let modelId: string | null = null;
  let rootLength: number;
  if (second === 'models') {
    if (segments.length < 4 || segments[3] !== 'artifacts' || !ID.test(segments[2])) throw outsideRoot();
    modelId = segments[2];
    rootLength = 4;
  } else {
    if (segments.length < 3 || segments[2] !== 'artifacts' || !ID.test(second ?? '')) throw outsideRoot();
    runId = second;
    rootLength = 3;
  }
  if (!ID.test(experimentId)) throw invalid('the first segment must be an experiment id');
  const relative = segments.slice(rootLength).join('/');
  if (!relative && !opts.allowRoot) throw invalid('names an artifact root, not a file');
  return { experimentId, runId, modelId, root: segments.slice(0, rootLength).join('/'), relative, path };
}

function outsideRoot(): TrackingError {
  return invalid('must lie within a run or logged model artifact root: <experiment_id>/<run_id>/artifacts/... or <experiment_id>/models/<model_id>/artifacts/...');
}

/**
 * The event stream of one owner's artifacts: separate from the run's own stream, so artifact
 * traffic never contends with the run decider's optimistic concurrency (metric logging).
 */
export function artifactStreamId(loc: ArtifactLocation): string {
  return loc.modelId ? `artifact-${loc.experimentId}/models/${loc.modelId}` : `artifact-${loc.experimentId}/${loc.runId}`;
}

/**
 * The storage path under a run's `mlflow-artifacts:` artifact URI (`mlflow-artifacts:/1/<run>/artifacts`
 * or `mlflow-artifacts://host/1/<run>/artifacts`); undefined for URIs the proxy does not serve.
 */
export function proxiedRootOf(artifactUri: string): string | undefined {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  return m ? m[1].replace(/\/+$/, '') : undefined;
}
