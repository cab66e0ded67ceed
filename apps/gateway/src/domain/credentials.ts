/** A credential as presented, before it is checked. Never logged, never put in an event. */
export type PresentedCredential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'malformed'; detail: string };

export function parseAuthorization(header: string | undefined): PresentedCredential {
  if (!header) return { kind: 'none' };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') return value ? { kind: 'bearer', token: value } : { kind: 'malformed', detail: 'empty bearer token' };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed', detail: 'basic credentials need user:password' };
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { kind: 'malformed', detail: `unsupported authorization scheme` };
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
      return undefined;
  }
}
