import { PROVIDERS, ProviderCredential, ProviderName } from '../provider-adapter';
import { invalid } from './ai-config-error';

export const isProvider = (p: string): p is ProviderName => (PROVIDERS as readonly string[]).includes(p);

/** The fields each provider's credential must have; every other provider takes `api_key`. */
const REQUIRED_FIELDS: Partial<Record<ProviderName, readonly string[]>> = {
  bedrock: ['aws_access_key_id', 'aws_secret_access_key'],
};
const FIELD = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_FIELDS = 16;
/** A service-account JSON document is the largest credential we expect. */
const MAX_VALUE_CHARS = 65_536;

/**
 * A credential as an admin gives it (a string is the `api_key`; an object names its fields) in the
 * provider's stored form. Errors name fields, never values.
 */
export function credentialFromInput(provider: ProviderName, value: string | Readonly<Record<string, unknown>>): ProviderCredential {
  const fields: Record<string, string> = {};
  if (typeof value === 'string') {
    fields.api_key = value;
  } else {
    const entries = Object.entries(value);
    if (entries.length === 0 || entries.length > MAX_FIELDS) throw invalid(`value must name 1-${MAX_FIELDS} fields`);
    for (const [k, v] of entries) {
      if (!FIELD.test(k)) throw invalid(`value field names must be lower-case letters, digits and underscores: ${JSON.stringify(k.slice(0, 64))}`);
      if (typeof v !== 'string') throw invalid(`value field ${k} must be a string`);
      fields[k] = v;
    }
  }
  for (const [k, v] of Object.entries(fields)) {
    if (v.length === 0 || v.length > MAX_VALUE_CHARS) throw invalid(`value field ${k} must be 1-${MAX_VALUE_CHARS} characters`);
    if (v.trim() !== v) throw invalid(`value field ${k} has leading or trailing white space`);
  }
  const missing = (REQUIRED_FIELDS[provider] ?? ['api_key']).filter((f) => !(f in fields));
  if (missing.length > 0) throw invalid(`a ${provider} credential needs ${missing.join(', ')}`);
  return fields;
}

/**
 * What reads and events show of a credential: enough to recognise it (`sk-...abcd`), never enough
 * to use it. Short values show nothing of themselves. For a multi-field credential, the field that
 * identifies it (the API key, or the AWS access key id) is the one hinted.
 */
export function credentialHint(credential: ProviderCredential): string {
  const v = credential.api_key ?? credential.aws_access_key_id ?? '';
  if (v.length < 8) return '...';
  if (v.length < 20) return `...${v.slice(-2)}`;
  return `${v.slice(0, 3)}...${v.slice(-4)}`;
}
