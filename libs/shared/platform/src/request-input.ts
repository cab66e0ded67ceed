/*
 * The checks every request passes before any handler sees it (decision 030): text PostgreSQL cannot
 * store (U+0000, or a UTF-16 surrogate without its partner) and JSON nested deeper than any of our
 * messages is refused as bad input, once, for every service, instead of failing later at the append
 * as a 5xx. Pure functions over the raw body, the decoded path and the query; the middleware that
 * applies them is in `request-input.middleware.ts`.
 */

/** No request message of ours nests past a handful of levels; 64 leaves room and bounds recursion. */
export const MAX_JSON_DEPTH = 64;

/** NUL, or a surrogate code unit that is not half of a pair (a JS string may hold either). */
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnsafeText = 'NUL' | 'surrogate';

export function unsafeText(s: string): UnsafeText | undefined {
  const m = UNSAFE_TEXT.exec(s);
  if (!m) return undefined;
  return m[0] === '\u0000' ? 'NUL' : 'surrogate';
}

export function unsafeTextMessage(kind: UnsafeText, where: string): string {
  return kind === 'NUL' ? `Invalid ${where}: text may not contain NUL characters (U+0000).` : `Invalid ${where}: text may not contain unpaired UTF-16 surrogates (U+D800 to U+DFFF).`;
}

const BACKSLASH = 0x5c;
const U = 0x75;

function hexDigit(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The code unit of the `\uXXXX` escape whose backslash is at `at`, or -1 when the digits are not hex. */
function escapedUnit(buf: Uint8Array, at: number): number {
  let unit = 0;
  for (let k = at + 2; k < at + 6; k++) {
    const d = hexDigit(buf[k]);
    if (d < 0) return -1;
    unit = unit * 16 + d;
  }
  return unit;
}

/**
 * Scans UTF-8 JSON text for the escapes that would decode to unsafe text: `\u0000`, a high
 * surrogate escape not followed by a low one, a low one on its own. Raw bytes need no check: a raw
 * NUL is not valid JSON (the parser refuses it) and a raw surrogate is not valid UTF-8 (the decoder
 * replaces it). Native `indexOf` skips the text between escapes, so a body without `\u` (a
 * log-batch of ASCII metric names) costs one pass of memchr speed.
 */
export function unsafeJsonEscape(buf: Buffer): UnsafeText | undefined {
  let i = buf.indexOf('\\u');
  while (i !== -1) {
    let run = 0;
    for (let j = i - 1; j >= 0 && buf[j] === BACKSLASH; j--) run++;
    // After an odd run of backslashes this one is escaped itself: `\\u0000` is the text "\u0000".
    if (run % 2 === 0) {
      const unit = escapedUnit(buf, i);
      if (unit === 0) return 'NUL';
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = buf[i + 6] === BACKSLASH && buf[i + 7] === U ? escapedUnit(buf, i + 6) : -1;
        if (low < 0xdc00 || low > 0xdfff) return 'surrogate';
        i = buf.indexOf('\\u', i + 12);
        continue;
      }
      if (unit >= 0xdc00 && unit <= 0xdfff) return 'surrogate';
    }
    i = buf.indexOf('\\u', i + 2);
  }
  return undefined;
}

/** Whether parsed JSON nests objects and arrays deeper than `limit` (the top level is depth 1). */
export function jsonDepthExceeds(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  return deeper(value, limit);
}

function deeper(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining === 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === 'object' && v !== null && deeper(v, remaining - 1)) return true;
    return false;
  }
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null && deeper(v, remaining - 1)) return true;
  }
  return false;
}

/**
 * The first unsafe text in a request path, segment by segment as the router decodes it, with the
 * reason; `malformed` when a segment's percent-encoding does not decode (e.g. encoded surrogates).
 */
export function unsafePath(rawPath: string): UnsafeText | 'malformed' | undefined {
  if (!rawPath.includes('%')) return unsafeText(rawPath);
  for (const segment of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'malformed';
    }
    const bad = unsafeText(decoded);
    if (bad) return bad;
  }
  return undefined;
}

/** The first unsafe text among a parsed query's names and values (strings, lists, nested objects). */
export function unsafeQuery(query: unknown): UnsafeText | undefined {
  if (typeof query === 'string') return unsafeText(query);
  if (typeof query !== 'object' || query === null) return undefined;
  for (const [k, v] of Object.entries(query)) {
    const bad = unsafeText(k) ?? unsafeQuery(v);
    if (bad) return bad;
  }
  return undefined;
}
