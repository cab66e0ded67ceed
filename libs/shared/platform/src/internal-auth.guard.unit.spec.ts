import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Action, Actions, authorize, PolicyContext, Principal } from '@custos/rbac';
import { ApiError } from './errors';
import { ADMIN_POLICY, InternalAuthGuard, PolicyContextLoader } from './internal-auth.guard';
import { INTERNAL_TOKEN_HEADER, InternalRequest, InternalTokenSecret, signInternalToken } from './internal-token';
import { InternalTokenVerifier } from './internal-token.verifier';
import { POLICY_KEY } from './policy';
import { RequestContext, requestContext } from './request-context';

const secret = InternalTokenSecret.generate();
const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: ['team'] };
const root: Principal = { id: 'root', kind: 'user', roles: ['admin'], groups: [] };
const aliceGrants: PolicyContext = {
  grants: [{ subject: { kind: 'principal', id: 'alice' }, resourceType: 'experiment', resourcePattern: '7', permission: 'READ' }],
  defaultPermission: 'NO_PERMISSIONS',
};

/** Records who it was asked about; answers alice's grants for anyone. */
class RecordingLoader implements PolicyContextLoader {
  readonly asked: string[] = [];
  load(p: Principal): Promise<PolicyContext> {
    this.asked.push(p.id);
    return Promise.resolve(aliceGrants);
  }
}

function routeWith(action: Action | undefined): () => void {
  const handler = () => undefined;
  if (action) Reflect.defineMetadata(POLICY_KEY, action, handler);
  return handler;
}

const URL = '/api/2.0/mlflow/experiments/get?experiment_id=7';
const forTracking: InternalRequest = { audience: 'tracking', method: 'GET', url: URL, correlationId: 'cid-1', clientCorrelationId: 'client-1', clientIp: '127.0.0.1' };
const trackingVerifier = () => new InternalTokenVerifier(secret.keyFor('tracking'), { service: 'tracking' });

function executionContext(handler: () => void, headers: Record<string, string>): ExecutionContext {
  class SomeController {}
  const req = { headers, method: 'GET', originalUrl: URL };
  return {
    getHandler: () => handler,
    getClass: () => SomeController,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

async function guardRun(principal: Principal | undefined, action: Action | undefined, loader?: PolicyContextLoader): Promise<{ ctx: RequestContext; allowed: boolean }> {
  const guard = new InternalAuthGuard(new Reflector(), trackingVerifier(), loader);
  const headers: Record<string, string> = principal ? { [INTERNAL_TOKEN_HEADER]: await signInternalToken(secret, principal, forTracking) } : {};
  const ctx: RequestContext = { correlationId: 'local' };
  const allowed = await requestContext.run(ctx, () => guard.canActivate(executionContext(routeWith(action), headers)));
  return { ctx, allowed };
}

async function refusal(run: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await run;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    const { httpStatus, errorCode } = e as ApiError;
    return { status: httpStatus, code: errorCode };
  }
  throw new Error('the guard let the request through');
}

describe('InternalAuthGuard', () => {
  it("loads a non-admin's grants into the request context", async () => {
    const loader = new RecordingLoader();
    const { ctx, allowed } = await guardRun(alice, Actions.onExperiment('READ'), loader);
    expect(allowed).toBe(true);
    expect(loader.asked).toEqual(['alice']);
    expect(ctx.policy).toBe(aliceGrants);
    expect(ctx.principal).toEqual(alice);
    expect(ctx.correlationId).toBe('cid-1');
    expect(ctx.clientCorrelationId).toBe('client-1');
  });

  it("does not read an admin's grants, and the admin is still allowed every resource action", async () => {
    const loader = new RecordingLoader();
    const { ctx, allowed } = await guardRun(root, Actions.onExperiment('MANAGE'), loader);
    expect(allowed).toBe(true);
    expect(loader.asked).toEqual([]);
    expect(ctx.policy).toBe(ADMIN_POLICY);
    // What a handler then decides with that context: admin holds MANAGE on anything.
    expect(authorize(ctx.principal!, Actions.onExperiment('MANAGE'), { type: 'experiment', id: '7', ownerId: 'someone' }, ctx.policy!)).toMatchObject({ allowed: true, effective: 'MANAGE' });
  });

  it('gives a principal whose admin role is absent no admin shortcut: an empty policy denies it', async () => {
    const notAdmin: Principal = { ...root, roles: ['auditor'] };
    const loader = new RecordingLoader();
    const { ctx } = await guardRun(notAdmin, Actions.onExperiment('READ'), loader);
    expect(loader.asked).toEqual(['root']);
    expect(ctx.policy).toBe(aliceGrants);
    expect(authorize(notAdmin, Actions.onExperiment('READ'), { type: 'experiment', id: '7' }, ADMIN_POLICY).allowed).toBe(false);
  });

  it('refuses a request without an internal token or with one signed by another key', async () => {
    expect(await refusal(guardRun(undefined, Actions.authenticated()))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    const other = InternalTokenSecret.generate();
    const guard = new InternalAuthGuard(new Reflector(), trackingVerifier());
    const forged = executionContext(routeWith(Actions.authenticated()), { [INTERNAL_TOKEN_HEADER]: await signInternalToken(other, root, forTracking) });
    expect(await refusal(guard.canActivate(forged))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a token minted for another service, and the same token a second time', async () => {
    const token = await signInternalToken(secret, root, forTracking);
    const route = routeWith(Actions.authenticated());
    const audit = new InternalAuthGuard(new Reflector(), new InternalTokenVerifier(secret.keyFor('audit'), { service: 'audit' }));
    expect(await refusal(audit.canActivate(executionContext(route, { [INTERNAL_TOKEN_HEADER]: token })))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    const tracking = new InternalAuthGuard(new Reflector(), trackingVerifier());
    const first = executionContext(route, { [INTERNAL_TOKEN_HEADER]: token });
    expect(await tracking.canActivate(first)).toBe(true);
    // The same request asked again (the middleware verified it, the guard reads it): still allowed.
    expect(await tracking.canActivate(first)).toBe(true);
    expect(await refusal(tracking.canActivate(executionContext(route, { [INTERNAL_TOKEN_HEADER]: token })))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a route without a declared policy, and a platform action the principal lacks', async () => {
    expect(await refusal(guardRun(root, undefined))).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    expect(await refusal(guardRun(alice, Actions.admin(), new RecordingLoader()))).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    expect((await guardRun(root, Actions.admin(), new RecordingLoader())).allowed).toBe(true);
  });
});
