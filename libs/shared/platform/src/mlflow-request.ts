import { Request } from 'express';

/**
 * MLflow's wire convention: GET routes take fields as query parameters, every other method a JSON
 * body (PATCH and DELETE included). Unknown fields are ignored. These accessors read either, with
 * MLflow's messages for a missing or mistyped field; each service raises them as its own
 * INVALID_PARAMETER_VALUE error (`invalid`).
 */
export abstract class MlflowRequestBase {
  protected readonly fields: Record<string, unknown>;

  constructor(req: Request) {
    const body = req.body as unknown;
    if (req.method === 'GET') this.fields = req.query as Record<string, unknown>;
    else if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body))) this.fields = (body ?? {}) as Record<string, unknown>;
    else throw this.invalid('Request body must be a JSON object');
  }

  /** The service's INVALID_PARAMETER_VALUE error. */
  protected abstract invalid(message: string): Error;

  protected missing(name: string): Error {
    return this.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined && this.fields[name] !== null;
  }

  raw(name: string): unknown {
    return this.fields[name];
  }

  optionalString(name: string): string | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied. Hint: Value was of type '${Array.isArray(v) ? 'list' : typeof v}'. See the API docs for more information about request parameters.`);
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined || v === '') throw this.missing(name);
    return v;
  }

  optionalInt(name: string): number | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw this.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an integer.`);
    return n;
  }

  int(name: string): number {
    const v = this.optionalInt(name);
    if (v === undefined) throw this.missing(name);
    return v;
  }

  /** A repeated field: a JSON array in a body, or repeated query parameters on GET. */
  list(name: string): unknown[] {
    const v = this.fields[name];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    if (typeof v === 'string') return [v];
    throw this.invalid(`Invalid value for parameter '${name}': expected a list.`);
  }

  stringList(name: string): string[] {
    return this.list(name).map((x) => {
      if (typeof x !== 'string' && typeof x !== 'number') throw this.invalid(`Invalid value for parameter '${name}': expected a list of strings.`);
      return String(x);
    });
  }
}
