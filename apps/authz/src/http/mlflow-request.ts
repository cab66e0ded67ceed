import { Request } from 'express';
import { AuthzError } from '@custos/authz-domain';

/**
 * MLflow's wire convention for the auth API: GET takes fields as query parameters, every other
 * method a JSON body (PATCH and DELETE included). Unknown fields are ignored. Missing or mistyped
 * fields answer INVALID_PARAMETER_VALUE, as MLflow's `_get_request_param` does.
 */
export class MlflowRequest {
  private readonly fields: Record<string, unknown>;

  constructor(req: Request) {
    const body = req.body as unknown;
    if (req.method === 'GET') this.fields = req.query as Record<string, unknown>;
    else if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body))) this.fields = (body ?? {}) as Record<string, unknown>;
    else throw AuthzError.invalid('Request body must be a JSON object');
  }

  optionalString(name: string): string | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw AuthzError.invalid(`Invalid value for parameter '${name}': expected a string.`);
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined || v === '') throw AuthzError.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    return v;
  }

  /** MLflow's `is_admin`: a JSON boolean, or its string form from a query or form. */
  boolean(name: string): boolean {
    const v = this.fields[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (v === undefined || v === null || v === '') throw AuthzError.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    throw AuthzError.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}': expected true or false.`);
  }

  /** MLflow's integer ids (`role_id`, `role_permission_id`), sent as JSON numbers or query strings. */
  integerId(name: string): string {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') throw AuthzError.invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^\d{1,16}$/.test(s)) throw AuthzError.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}': expected an integer.`);
    return String(Number(s));
  }

  /** A repeated query parameter (`workspace=a&workspace=b`) or a JSON array. */
  stringList(name: string): string[] {
    const v = this.fields[name];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((x) => {
      if (typeof x !== 'string') throw AuthzError.invalid(`Invalid value for parameter '${name}': expected strings.`);
      return x;
    });
  }
}
