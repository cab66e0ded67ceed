import { MlflowRequestBase } from '@custos/platform';
import { AuthzError } from '@custos/authz-domain';

/** MLflow's request fields for the auth API, as MLflow's `_get_request_param` reads them. */
export class MlflowRequest extends MlflowRequestBase {
  protected invalid(message: string): Error {
    return AuthzError.invalid(message);
  }

  /** MLflow's `is_admin`: a JSON boolean, or its string form from a query or form. */
  boolean(name: string): boolean {
    const v = this.fields[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (v === undefined || v === null || v === '') throw this.missing(name);
    throw this.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}': expected true or false.`);
  }

  /** MLflow's integer ids (`role_id`, `role_permission_id`), sent as JSON numbers or query strings. */
  integerId(name: string): string {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') throw this.missing(name);
    const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!/^\d{1,16}$/.test(s)) throw this.invalid(`Invalid value ${JSON.stringify(v)} for parameter '${name}': expected an integer.`);
    return String(Number(s));
  }
}
