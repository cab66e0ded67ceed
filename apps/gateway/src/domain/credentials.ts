/** A credential as presented, before it is checked. Never logged, never put in an event. */
export type PresentedCredential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | {
      kind: 'malformed';
      detail: string;
      /** What it claimed to be, when that much could be read: for the event and the 401's shape. */
      presented?: 'basic' | 'api_key' | 'bearer';
      /** The user name it claimed, made printable (`safeAccountName`): for the event and the per-account budget. */
      claimedAccount?: string;
      /** For a bearer token: what the 401 says of it, as it would for a well-formed token that failed. */
      bearerDescription?: 'invalid API key' | 'invalid token';
    };

/**
 * Limits that no valid credential exceeds. Usernames are authz's (256 characters, no control
 * characters); passwords are at most 1024 characters (authz's limit, LDAP's in practice) and never
 * contain NUL (no service stores a string with one); bearer tokens are visible ASCII (RFC 6750's
 * b64token is a subset) and fit comfortably in a header. A credential outside them is refused
 * before any lookup: it can never be valid, and a database must never be asked about it (a NUL
 * made PostgreSQL fail, and a 503 then told the guesser something a 401 would not).
 */
export const CREDENTIAL_LIMITS = { username: 256, password: 1024, bearer: 8192 } as const;

/** C0 and C1 control characters and DEL, as authz refuses them in usernames. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
const BEARER_CHARS = /^[\u0021-\u007e]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseAuthorization(header: string | undefined): PresentedCredential {
  if (!header) return { kind: 'none' };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') return value ? checkBearer(value) : { kind: 'malformed', detail: 'empty bearer token' };
  if (scheme === 'basic') return parseBasic(value);
  return { kind: 'malformed', detail: `unsupported authorization scheme` };
}

/**
 * The headers a credential may arrive in. `Authorization` is the platform's; the Anthropic SDK sends
 * its key as `x-api-key` and the Azure OpenAI SDK as `api-key`, so tools written for those providers
 * can use their own settings unchanged. Such a header is read exactly as a bearer token, and only
 * when `Authorization` is absent (one request, one credential).
 */
export const API_KEY_HEADERS = ['x-api-key', 'api-key'] as const;

export function parsePresented(headers: { authorization?: string; apiKey?: string }): PresentedCredential {
  if (headers.authorization) return parseAuthorization(headers.authorization);
  if (headers.apiKey === undefined) return { kind: 'none' };
  const token = headers.apiKey.trim();
  return token ? checkBearer(token) : { kind: 'malformed', detail: 'empty API key header' };
}

function checkBearer(token: string): PresentedCredential {
  const shape = classifyBearer(token);
  // A JWT goes to the OIDC strategy, anything else to the API-key strategy: refuse as each would.
  const refusal = { presented: shape === 'api_key' ? 'api_key' : 'bearer', bearerDescription: shape === 'jwt' ? 'invalid token' : 'invalid API key' } as const;
  if (token.length > CREDENTIAL_LIMITS.bearer) return { kind: 'malformed', ...refusal, detail: `bearer token longer than ${CREDENTIAL_LIMITS.bearer} characters` };
  if (!BEARER_CHARS.test(token)) return { kind: 'malformed', ...refusal, detail: 'bearer token has characters outside visible ASCII' };
  return { kind: 'bearer', token };
}

function parseBasic(value: string): PresentedCredential {
  const malformed = (detail: string, claimedAccount?: string): PresentedCredential => ({ kind: 'malformed', presented: 'basic', detail, ...(claimedAccount === undefined ? {} : { claimedAccount }) });
  if (!BASE64.test(value) || value.length % 4 === 1 || (value.endsWith('=') && value.length % 4 !== 0)) return malformed('basic credentials are not base64');
  const bytes = Buffer.from(value, 'base64');
  let decoded: string;
  try {
    decoded = utf8.decode(bytes);
  } catch {
    // Only the event sees this reading, with the undecodable bytes as U+FFFD.
    const lenient = bytes.toString('utf8');
    return malformed('basic credentials are not UTF-8', lenient.includes(':') ? safeAccountName(lenient.slice(0, lenient.indexOf(':'))) : undefined);
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return malformed('basic credentials need user:password');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const problem = usernameProblem(username) ?? passwordProblem(password);
  if (problem) return malformed(problem, username === '' ? undefined : safeAccountName(username));
  return { kind: 'basic', username, password };
}

function usernameProblem(username: string): string | undefined {
  if (username === '') return 'empty user name';
  if (username.length > CREDENTIAL_LIMITS.username) return `user name longer than ${CREDENTIAL_LIMITS.username} characters`;
  if (CONTROL_CHARS.test(username)) return 'user name has control characters';
  return undefined;
}

function passwordProblem(password: string): string | undefined {
  if (password === '') return 'empty password';
  if (password.length > CREDENTIAL_LIMITS.password) return `password longer than ${CREDENTIAL_LIMITS.password} characters`;
  if (password.includes('\u0000')) return 'password has a NUL character';
  return undefined;
}

/** A claimed name as an auditor can read it and every store can hold it: control characters spelled `\uXXXX`, cut to 256. */
export function safeAccountName(name: string): string {
  return name.replace(CONTROL_CHARS_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, CREDENTIAL_LIMITS.username);
}

/** API keys carry a visible `cus_` prefix; a JWT is three base64url parts. */
export type BearerKind = 'api_key' | 'jwt' | 'unknown';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function classifyBearer(token: string): BearerKind {
  if (token.startsWith('cus_')) return 'api_key';
  if (JWT_SHAPE.test(token)) return 'jwt';
  return 'unknown';
}

/** What a credential is, for events (never the secret). */
export function credentialKindOf(c: PresentedCredential): 'none' | 'api_key' | 'basic' | 'bearer' | undefined {
  switch (c.kind) {
    case 'none':
      return 'none';
    case 'basic':
      return 'basic';
    case 'bearer':
      return classifyBearer(c.token) === 'api_key' ? 'api_key' : 'bearer';
    case 'malformed':
      return c.presented;
  }
}
