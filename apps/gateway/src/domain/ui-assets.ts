/**
 * Which file of MLflow's web UI build a `/static-files/<rest>` request names, and how long a browser
 * may keep it. Pure: the controller does the reading.
 */
export interface UiAsset {
  /** Relative to the build folder, '/'-separated, never leaving it. */
  file: string;
  cacheControl: string;
}

/** index.html names every asset by content hash, so it must be fetched afresh to pick up a new build. */
export const UI_INDEX_CACHE_CONTROL = 'no-store';
/** Content-hashed files never change under their name (MLflow's own server keeps them 28 days). */
const HASHED_CACHE_CONTROL = 'private, max-age=2419200, immutable';
// `private`: they come from behind authentication, so a shared cache should not keep them.
const UNHASHED_CACHE_CONTROL = 'private, no-cache';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** The bundler's content hash: `main.c2f5f8d4.js`, `TelemetryLogger.telemetry-worker.d0f8ea2c83c08b63528f.worker.js`. */
const CONTENT_HASH = /\.[0-9a-f]{8,}\./;

export function uiAssetFor(rest: string): UiAsset | undefined {
  const segments = rest.split('/');
  // No traversal, no hidden files, no empty segments: only names a build can hold.
  if (rest.length === 0 || rest.length > 512 || !segments.every((s) => SEGMENT.test(s) && s !== '..' && s !== '.')) return undefined;
  const name = segments[segments.length - 1];
  return { file: segments.join('/'), cacheControl: CONTENT_HASH.test(name) ? HASHED_CACHE_CONTROL : UNHASHED_CACHE_CONTROL };
}
