import { DynamicModule, Type } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { POLICY_KEY, PUBLIC_KEY } from '@custos/platform';
import { Action } from '@custos/rbac';
import { controllerRoutes, withPassiveApp } from './controller-routes';

export interface RouteInfo {
  route: string;
  policy: 'public' | 'declared' | 'missing';
  /** The declared action, when there is one. */
  action?: Action;
}

/** Environment good enough to construct a service's module without connecting to anything. */
export function offlineServiceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HTTP_PORT: '1',
    DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
    KAFKA_BROKERS: '127.0.0.1:1',
    INTERNAL_TOKEN_KEY: randomBytes(32).toString('base64'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_API_KEY: 'x'.repeat(32),
    TRACKING_URL: 'http://127.0.0.1:1',
    REGISTRY_URL: 'http://127.0.0.1:1',
    AUTHZ_URL: 'http://127.0.0.1:1',
    AUDIT_URL: 'http://127.0.0.1:1',
    S3_ENDPOINT: 'http://127.0.0.1:1',
    S3_ACCESS_KEY: 'nobody',
    S3_SECRET_KEY: 'nothing-at-all',
    ARTIFACT_MASTER_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
    ARTIFACT_ACTIVE_KEY_ID: 'k1',
    AI_CREDENTIAL_MASTER_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
    AI_CREDENTIAL_ACTIVE_KEY_ID: 'k1',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/**
 * Every HTTP route a service registers, with whether it declares a policy. Deny by default means
 * a route without one is refused at run time; this makes the omission visible before that.
 */
export async function listRoutePolicies(module: DynamicModule | Type<unknown>): Promise<RouteInfo[]> {
  return withPassiveApp(module, (app) =>
    controllerRoutes(app).map(({ controller, handler, method, path }) => {
      const isPublic = (Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller)) as boolean | undefined;
      const declared = (Reflect.getMetadata(POLICY_KEY, handler) ?? Reflect.getMetadata(POLICY_KEY, controller)) as unknown;
      return { route: `${method} ${path}`, policy: isPublic ? 'public' : declared ? 'declared' : 'missing', ...(declared && !isPublic ? { action: declared as Action } : {}) };
    }),
  );
}
