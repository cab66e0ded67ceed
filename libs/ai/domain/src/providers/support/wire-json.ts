import { UpstreamError } from '../../upstream-error';

/** A JSON object as read off the wire: fields are checked where they are used. */
export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a provider's body; anything but a JSON object is the provider breaking its own format. */
export function parseObject(text: string, provider: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UpstreamError('protocol', `${provider} replied with a body that is not JSON`);
  }
  if (!isObject(v)) throw new UpstreamError('protocol', `${provider} replied with JSON that is not an object`);
  return v;
}

/** Like parseObject, for error bodies: a missing or foreign body is not an error of its own. */
export function parseObjectLoosely(text: string): JsonObject {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): JsonObject => (isObject(v) ? v : {});

/** Drop undefined fields so bodies carry only what was set. */
export function compact<T extends JsonObject>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Tool-call arguments are JSON text in the canonical form and objects at most providers. */
export function parseArguments(args: string, provider: string): JsonObject {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    if (isObject(v)) return v;
  } catch {
    // reported below
  }
  throw new UpstreamError('bad_request', `tool call arguments must be a JSON object for ${provider}`);
}

/** Base URL joined with a path, without doubling or losing the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The upstream body with the caller's passed-through parameters (`extra`, already filtered by the
 * endpoint's policy) added. Fields the adapter sets win, so a passed-through `model` or `stream`
 * can never redirect the call.
 */
export function withPassThrough(body: JsonObject, extra: JsonObject | undefined): JsonObject {
  return { ...(extra ?? {}), ...compact(body) };
}
