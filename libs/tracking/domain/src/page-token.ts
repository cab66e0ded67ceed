import { TrackingError } from './errors';

/**
 * Page tokens are opaque to clients: base64 of `{"offset": n}`, the shape MLflow itself issues.
 * Ordering always ends with a unique tiebreaker (run_id, experiment_id), so an offset names the
 * same position on every call while the data does not change.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/** The offset a token stands for; no token means the first page. Garbage is INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | null | undefined): number {
  if (!token) return 0;
  const invalid = (why: string) => TrackingError.invalidParameter(`Invalid page token, ${why}`);
  if (token.length > 256 || token.length % 4 !== 0 || !BASE64.test(token)) throw invalid('could not base64-decode');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid('decoded value is not JSON');
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).offset : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalid('it does not carry a valid offset');
  return offset;
}
