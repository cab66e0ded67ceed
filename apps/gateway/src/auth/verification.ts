import { Principal } from '@custos/rbac';

/** What a strategy concludes. `detail` is for the audit record; the client sees only a generic answer. */
export type Verification =
  | { ok: true; principal: Principal; /** never reuse the verification after this instant */ validUntilMs?: number }
  | {
      ok: false;
      detail: string;
      /** For bearer tokens: RFC 6750 error and a description safe to show the holder. */
      bearer?: { error: 'invalid_token' | 'invalid_request'; description: string };
    };

export const refused = (detail: string, bearerDescription?: string): Verification => ({
  ok: false,
  detail,
  ...(bearerDescription ? { bearer: { error: 'invalid_token' as const, description: bearerDescription } } : {}),
});
