import { Verification } from '../verification';

/**
 * What a strategy's `validate` hands passport: the verification itself when it succeeded (passport's
 * "user"), or `[false, verification]`, which @nestjs/passport turns into `done(null, false, info)`
 * so the refusal reaches the authenticator with its detail.
 */
export type StrategyResult = Verification | [false, Verification];

export function settle(v: Verification): StrategyResult {
  if (!v.ok) return [false, v];
  return { ok: true, principal: v.principal, ...(v.validUntilMs === undefined ? {} : { validUntilMs: v.validUntilMs }) };
}

export const STRATEGY = {
  apiKey: 'custos-api-key',
  basic: 'custos-basic',
  oidc: 'custos-oidc',
} as const;
export type StrategyName = (typeof STRATEGY)[keyof typeof STRATEGY];
