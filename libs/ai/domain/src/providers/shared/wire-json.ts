import { UpstreamError } from '../../upstream-error';

/** A JSON object from a provider, before its shape is trusted. */
export type WireObject = Record<string, unknown>;

export function isObject(v: unknown): v is WireObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a provider body that must be a JSON object; anything else is the provider breaking its format. */
export function parseWireObject(text: string, what: string): WireObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UpstreamError('protocol', `${what}: the provider's reply is not JSON`);
  }
  if (!isObject(v)) throw new UpstreamError('protocol', `${what}: the provider's reply is not a JSON object`);
  return v;
}

export function protocolError(what: string, detail: string): UpstreamError {
  return new UpstreamError('protocol', `${what}: ${detail}`);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Header lookup that does not depend on how the transport cased the names. */
export function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Copy the fields that are set (not undefined) so upstream bodies carry no `"x": undefined` noise. */
export function defined<T extends WireObject>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Base URL joined with a path, without doubling or losing the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The caller's extra parameters for an upstream body, minus `model`: the model always comes from
 * the target, also where the body names none (Azure puts the deployment in the URL).
 */
export function extraFields(extra: Record<string, unknown> | undefined): WireObject {
  if (!extra) return {};
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { model, ...rest } = extra;
  return rest;
}
