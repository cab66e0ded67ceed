import { PresentedCredential } from '../domain/credentials';

/**
 * The credential the authenticator parsed, handed to the passport strategy it picked without
 * parsing twice or putting the secret on the request object.
 */
const presented = new WeakMap<object, PresentedCredential>();

export function present(req: object, credential: PresentedCredential): void {
  presented.set(req, credential);
}

export function presentedCredential(req: object): PresentedCredential {
  return presented.get(req) ?? { kind: 'none' };
}

export function forget(req: object): void {
  presented.delete(req);
}
