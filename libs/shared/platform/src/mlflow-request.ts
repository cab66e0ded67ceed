import { Request } from 'express';

/*
 * MLflow's request messages, read as MLflow reads them (decision 030): protobuf's JSON mapping for
 * the types (a string field takes only a JSON string; int64 a number or a decimal string; double a
 * number, a numeric string or "NaN"/"Infinity"/"-Infinity"; bool only true or false), and the
 * messages of MLflow's `_validate_param_against_schema` and `_assert_required` when a value is
 * missing or of the wrong type. Every MLflow route reads its fields through these, top-level and
 * nested alike; each service raises the messages as its own INVALID_PARAMETER_VALUE error.
 */

const API_DOCS = ' See the API docs for more information about request parameters.';

/** The name Python gives a decoded JSON value's type, as MLflow's hints print it. */
export function pythonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))`, as MLflow quotes a bad value. */
export function pythonJsonDumps(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (typeof x !== 'object' || x === null) return x;
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
    );
  };
  const text = JSON.stringify(sorted(v)) ?? 'null';
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** MLflow's `invalid_value(path, value, detail)`. */
export function mlflowInvalidValue(path: string, value: unknown, detail?: string): string {
  const shown = pythonJsonDumps(value);
  return detail ? `Invalid value ${shown} for parameter '${path}' supplied: ${detail}` : `Invalid value ${shown} for parameter '${path}' supplied.`;
}

/** A value of the wrong JSON type, in the words of MLflow's schema check. */
export function mlflowWrongType(path: string, value: unknown): string {
  return mlflowInvalidValue(path, value, ` Hint: Value was of type '${pythonTypeName(value)}'.`) + API_DOCS;
}

export function mlflowMissing(path: string): string {
  return `Missing value for required parameter '${path}'.${API_DOCS}`;
}

const INT64 = /^\s*-?\d+\s*$/;
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Reads one value of a message at a JSON path (`metrics[3].timestamp`); unset is null or absent. */
export class MlflowValues {
  constructor(private readonly invalid: (message: string) => Error) {}

  absent(v: unknown): v is null | undefined {
    return v === undefined || v === null;
  }

  wrongType(path: string, v: unknown): Error {
    return this.invalid(mlflowWrongType(path, v));
  }

  missing(path: string): Error {
    return this.invalid(mlflowMissing(path));
  }

  /** MLflow's `_assert_required`: unset and the empty string are both missing. */
  required<T>(v: T | null | undefined, path: string): T {
    if (this.absent(v) || (v as unknown) === '') throw this.missing(path);
    return v;
  }

  string(v: unknown, path: string): string | undefined {
    if (this.absent(v) || typeof v === 'string') return v ?? undefined;
    throw this.wrongType(path, v);
  }

  requiredString(v: unknown, path: string): string {
    return this.required(this.string(v, path), path);
  }

  int(v: unknown, path: string): number | undefined {
    if (this.absent(v)) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && INT64.test(v) ? Number(v) : NaN;
    // Past 2^53 a double would silently change the number; MLflow's int64 would not.
    if (!Number.isSafeInteger(n)) throw this.wrongType(path, v);
    return n;
  }

  requiredInt(v: unknown, path: string): number {
    return this.required(this.int(v === '' ? undefined : v, path), path);
  }

  double(v: unknown, path: string): number | undefined {
    if (this.absent(v)) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      if (v === 'NaN' || v === 'nan') return NaN;
      if (v === 'Infinity' || v === 'inf' || v === '+inf') return Infinity;
      if (v === '-Infinity' || v === '-inf') return -Infinity;
      if (NUMERIC.test(v)) return Number(v);
    }
    throw this.wrongType(path, v);
  }

  requiredDouble(v: unknown, path: string): number {
    return this.required(this.double(v === '' ? undefined : v, path), path);
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (this.absent(v) || typeof v === 'boolean') return v ?? undefined;
    throw this.wrongType(path, v);
  }

  list(v: unknown, path: string): unknown[] {
    if (this.absent(v)) return [];
    if (Array.isArray(v)) return v;
    throw this.wrongType(path, v);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    throw this.wrongType(path, v);
  }
}

/**
 * MLflow's wire convention: GET routes take fields as query parameters, every other method a JSON
 * body (PATCH and DELETE included). Unknown fields are ignored. A query parameter is text, so on
 * GET numbers and booleans are parsed from it; in a body each field must have its JSON type.
 */
export abstract class MlflowRequestBase {
  protected readonly fields: Record<string, unknown>;
  protected readonly query: boolean;
  readonly values: MlflowValues;

  constructor(req: Request) {
    const body = req.body as unknown;
    this.values = new MlflowValues((message) => this.invalid(message));
    this.query = req.method === 'GET';
    if (this.query) this.fields = req.query as Record<string, unknown>;
    else if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body))) this.fields = (body ?? {}) as Record<string, unknown>;
    else throw this.invalid('Request body must be a JSON object');
  }

  /** The service's INVALID_PARAMETER_VALUE error. */
  protected abstract invalid(message: string): Error;

  protected missing(name: string): Error {
    return this.values.missing(name);
  }

  has(name: string): boolean {
    return !this.values.absent(this.fields[name]);
  }

  /** A single field; a query that repeats it counts once, as MLflow takes the first. */
  raw(name: string): unknown {
    const v = this.fields[name];
    return this.query && Array.isArray(v) ? v[0] : v;
  }

  optionalString(name: string): string | undefined {
    return this.values.string(this.raw(name), name);
  }

  string(name: string): string {
    return this.values.requiredString(this.raw(name), name);
  }

  optionalInt(name: string): number | undefined {
    const v = this.raw(name);
    return this.values.int(this.query && v === '' ? undefined : v, name);
  }

  int(name: string): number {
    return this.values.requiredInt(this.raw(name), name);
  }

  /** A protobuf enum: its name, or its number (protobuf's JSON mapping takes either). */
  optionalEnum(name: string): string | undefined {
    const v = this.raw(name);
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    return this.values.string(v, name);
  }

  optionalDouble(name: string): number | undefined {
    return this.values.double(this.raw(name), name);
  }

  double(name: string): number {
    return this.values.requiredDouble(this.raw(name), name);
  }

  optionalBool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (this.query && typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return this.values.bool(v, name);
  }

  /** A repeated field: a JSON array in a body, or repeated query parameters on GET. */
  list(name: string): unknown[] {
    const v = this.fields[name];
    if (this.query && typeof v === 'string') return [v];
    return this.values.list(v, name);
  }

  stringList(name: string): string[] {
    return this.list(name).map((x, i) => {
      if (typeof x !== 'string') throw this.values.wrongType(`${name}[${i}]`, x);
      return x;
    });
  }
}
