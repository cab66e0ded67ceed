/**
 * Deterministic JSON (sorted keys, no whitespace) so a hash computed at write time can be recomputed
 * by anyone from the stored text. Non-finite numbers are not JSON and are refused.
 *
 * Written as one recursive pass appending to a string: every event audit records goes through it,
 * a log-batch's 1000 metric objects included, and the map/sort/join version cost ~10 ms on those.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in canonical JSON');
      // For finite numbers String() and JSON.stringify() print the same text (-0 as 0 included).
      return String(value);
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`cannot canonicalise ${typeof value}`);
  }
}

function canonicalArray(items: readonly unknown[]): string {
  // An array of strings, finite numbers, booleans and nulls prints the same through
  // JSON.stringify, natively: a log-batch's metric columns are thousands of such elements.
  if (primitivesOnly(items)) return JSON.stringify(items);
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += canonicalJson(items[i]);
  }
  return `${out}]`;
}

function primitivesOnly(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' && typeof v !== 'boolean' && v !== null) return false;
  }
  return true;
}

/** `"key":` per key: a batch repeats the same few keys thousands of times. */
const keyPrefixes = new Map<string, string>();
const MAX_CACHED_KEYS = 10_000;

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${JSON.stringify(key)}:`;
    if (keyPrefixes.size < MAX_CACHED_KEYS) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  // Without a comparator, sort orders strings by UTF-16 code units: the canonical order.
  if (!sorted(keys)) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += keyPrefix(key) + canonicalJson(v);
  }
  return `${out}}`;
}

function sorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}
