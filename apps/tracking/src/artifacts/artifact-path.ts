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

/** MLflow's own answer to an unsafe path (`validate_path_is_safe`), word for word. */
export const INVALID_PATH = 'Invalid path';

/**
 * A refused path answers MLflow's exact message; why it was refused stays on the error for tests
 * and logs, so a client matching MLflow's wording and a person reading the code both get theirs.
 */
export class InvalidArtifactPath extends TrackingError {
  constructor(readonly reason: string) {
    super('INVALID_PARAMETER_VALUE', INVALID_PATH);
    this.name = 'InvalidArtifactPath';
  }
}

/**
 * A well-formed path that is not under a run's or a logged model's artifact root. Custos keeps
 * nothing there; the caller's access decides how it is answered (ArtifactAccess).
 */
export class OutsideArtifactRoot extends Error {
  constructor(readonly path: string) {
    super(`'${path}' is not under a run or logged model artifact root`);
    this.name = 'OutsideArtifactRoot';
  }
}

function invalid(reason: string): TrackingError {
  return new InvalidArtifactPath(reason);
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
  return fromSegments(querySegments(value), opts);
}

/**
 * A query path's segments. A `.` segment names the directory it stands in, as in MLflow: the stock
 * client lists `<root>/.` for `download_artifacts(run_id, ".")` and `<root>/./sub` below it, so it
 * is dropped (it cannot climb, unlike `..`, which stays refused). `posixpath.join(root, "dir/")`
 * keeps a trailing slash; it names the same directory.
 */
function querySegments(value: unknown): string[] {
  if (value === undefined || value === null || value === '') throw invalid('a path below a run or logged model artifact root is required');
  if (typeof value !== 'string') throw invalid('path must be given once, as a string');
  const trimmed = value.endsWith('/') && value.length > 1 ? value.slice(0, -1) : value;
  const segments = trimmed.split('/');
  const kept = segments.filter((s) => s !== '.');
  if (kept.length === 0) throw invalid('a path below a run or logged model artifact root is required');
  return kept;
}

/**
 * A path the caller gives relative to an owner's root (`get-artifact`, `upload-artifact`, the run
 * and logged-model listings): absent, empty, `.` and `./` all mean the root itself.
 */
export function artifactPathBelow(root: ArtifactLocation, relative: unknown, opts: ParseOptions): ArtifactLocation {
  if (relative === undefined || relative === null || relative === '') return fromSegments(root.path.split('/'), opts);
  if (typeof relative !== 'string') throw invalid('path must be given once, as a string');
  if (relative.startsWith('/')) throw invalid('an absolute path is not below the root');
  const trimmed = relative.endsWith('/') ? relative.slice(0, -1) : relative;
  const below = trimmed.split('/').filter((s) => s !== '.');
  return fromSegments([...root.path.split('/'), ...below], opts);
}

/**
 * The experiment a path names, read before the rest of it is checked: access is decided on the
 * experiment first, so a caller who may not touch it learns nothing about the path's shape (its
 * answer is the same whatever follows). Undefined when the first segment is no experiment id: such
 * a path names nobody's artifacts and is refused as invalid.
 */
export function experimentIdOfUrlPath(rawPath: string): string | undefined {
  const first = rawPath.split('/')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(first);
  } catch {
    return undefined;
  }
  return ID.test(decoded) ? decoded : undefined;
}

/** `experimentIdOfUrlPath` for a query parameter's path (already decoded). */
export function experimentIdOfQueryPath(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.split('/')[0];
  return ID.test(first) ? first : undefined;
}

function fromSegments(segments: string[], opts: ParseOptions): ArtifactLocation {
  segments.forEach(checkSegment);
  const path = segments.join('/');
  if (path.length > MAX_PATH_LENGTH) throw invalid(`longer than ${MAX_PATH_LENGTH} characters`);
  const [experimentId, second] = segments;
  if (!ID.test(experimentId)) throw invalid('the first segment must be an experiment id');
  let runId: string | null = null;
  let modelId: string | null = null;
  let rootLength: number;
  if (second === 'models') {
    if (segments.length < 4 || segments[3] !== 'artifacts' || !ID.test(segments[2])) throw new OutsideArtifactRoot(path);
    modelId = segments[2];
    rootLength = 4;
  } else {
    if (segments.length < 3 || segments[2] !== 'artifacts' || !ID.test(second ?? '')) throw new OutsideArtifactRoot(path);
    runId = second;
    rootLength = 3;
  }
  const relative = segments.slice(rootLength).join('/');
  if (!relative && !opts.allowRoot) throw invalid('names an artifact root, not a file');
  return { experimentId, runId, modelId, root: segments.slice(0, rootLength).join('/'), relative, path };
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
