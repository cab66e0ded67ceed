import { failed, FrontResult, ok, refusal } from './front-failure';

/** A field failed its check. Thrown only inside a parser and turned into a FrontResult by `parseBody`. */
class FieldError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return `a ${typeof v}`;
}

export function fieldError(param: string, message: string): never {
  throw new FieldError(message, param);
}

export function typeError(param: string, expected: string, got: unknown): never {
  return fieldError(param, `Invalid type for '${param}': expected ${expected}, but got ${describeType(got)}.`);
}

interface NumberRange {
  min?: number;
  max?: number;
}

/**
 * Reads one JSON object field by field. Every field read is remembered, so `rest()` yields exactly
 * the parameters the dialect does not name (the canonical request's `extra`). A JSON `null` on an
 * optional field means absent, as OpenAI and Anthropic read it.
 */
export class FieldReader {
  private readonly read = new Set<string>();

  constructor(
    readonly obj: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** the raw value, marked as read */
  raw(key: string): unknown {
    this.read.add(key);
    return this.obj[key];
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  /** Marks a field as understood without reading it (e.g. one the front answers itself). */
  skip(...keys: string[]): void {
    for (const k of keys) this.read.add(k);
  }

  required<T>(key: string, read: (r: FieldReader, key: string) => T | undefined): T {
    if (!this.has(key)) fieldError(this.path(key), `Missing required parameter: '${this.path(key)}'.`);
    return read(this, key) as T;
  }

  string(key: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') typeError(this.path(key), 'a string', v);
    if (opts.nonEmpty && v.length === 0) fieldError(this.path(key), `'${this.path(key)}' must not be empty.`);
    return v;
  }

  number(key: string, range: NumberRange = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) typeError(this.path(key), 'a number', v);
    checkRange(this.path(key), v, range);
    return v;
  }

  integer(key: string, range: NumberRange = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) typeError(this.path(key), 'an integer', v);
    checkRange(this.path(key), v, range);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') typeError(this.path(key), 'a boolean', v);
    return v;
  }

  array(key: string, opts: { nonEmpty?: boolean } = {}): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) typeError(this.path(key), 'an array', v);
    if (opts.nonEmpty && v.length === 0) fieldError(this.path(key), `'${this.path(key)}' must not be empty.`);
    return v as unknown[];
  }

  object(key: string): FieldReader | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (!isRecord(v)) typeError(this.path(key), 'an object', v);
    return new FieldReader(v, this.path(key));
  }

  /** A JSON object passed on as-is (a JSON schema, tool input). */
  record(key: string): Record<string, unknown> | undefined {
    return this.object(key)?.obj;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) fieldError(this.path(key), `Invalid value for '${this.path(key)}': '${v}'. Supported values are: ${values.map((x) => `'${x}'`).join(', ')}.`);
    return v as T;
  }

  /** `stop` as OpenAI takes it: one string or an array of strings; always an array out. */
  stringOrStrings(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) typeError(this.path(key), 'a string or an array of strings', v);
    return v as string[];
  }

  /** Fields not read: the parameters this dialect does not name. */
  rest(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.obj)) if (!this.read.has(k) && v !== undefined) out[k] = v;
    return out;
  }
}

function checkRange(param: string, v: number, { min, max }: NumberRange): void {
  if (min !== undefined && v < min) fieldError(param, `Invalid '${param}': ${v} is below the minimum of ${min}.`);
  if (max !== undefined && v > max) fieldError(param, `Invalid '${param}': ${v} is above the maximum of ${max}.`);
}

/** Each element of a JSON array as a FieldReader over an object, named by its index. */
export function objectsOf(list: unknown[], path: string): FieldReader[] {
  return list.map((item, i) => {
    if (!isRecord(item)) typeError(`${path}[${i}]`, 'an object', item);
    return new FieldReader(item, `${path}[${i}]`);
  });
}

/**
 * Runs a parser over an unknown JSON body: not an object is a 400, and any field error becomes an
 * `invalid_request` failure naming the field. Anything else thrown is a bug and is not swallowed.
 */
export function parseBody<T>(body: unknown, parse: (r: FieldReader) => T): FrontResult<T> {
  if (!isRecord(body)) return failed(refusal('invalid_request', `The request body must be a JSON object, not ${describeType(body)}.`));
  try {
    return ok(parse(new FieldReader(body)));
  } catch (e) {
    if (e instanceof FieldError) return failed(refusal('invalid_request', e.message, e.param));
    throw e;
  }
}

/** Sets the keys whose value is defined, so absent optional fields stay absent in the output. */
export function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
