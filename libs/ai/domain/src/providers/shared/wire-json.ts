import { UpstreamError } from '../../upstream-error';
import { isObject, JsonObject } from '../support/wire-json';

// The OpenAI family reads JSON with the same helpers as the other adapters; these add its own.
export { isObject, joinUrl, num, str, compact as defined } from '../support/wire-json';

/** A JSON object from a provider, before its shape is trusted. */
export type WireObject = JsonObject;

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

/** Header lookup that does not depend on how the transport cased the names. */
export function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
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
