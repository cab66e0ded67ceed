import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { generateKeyPairSync } from 'node:crypto';
import { Action, Actions, authorize, PolicyContext, Principal } from '@custos/rbac';
import { ApiError } from './errors';
import { ADMIN_POLICY, InternalAuthGuard, PolicyContextLoader } from './internal-auth.guard';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from './internal-token';
import { POLICY_KEY } from './policy';
import { RequestContext, requestContext } from './request-context';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
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

function executionContext(handler: () => void, headers: Record<string, string>): ExecutionContext {
  class SomeController {}
  return {
    getHandler: () => handler,
    getClass: () => SomeController,
    switchToHttp: () => ({ getRequest: () => ({ headers }) }),
  } as unknown as ExecutionContext;
}

async function guardRun(principal: Principal | undefined, action: Action | undefined, loader?: PolicyContextLoader): Promise<{ ctx: RequestContext; allowed: boolean }> {
  const guard = new InternalAuthGuard(new Reflector(), publicKey, loader);
  const headers: Record<string, string> = principal ? { [INTERNAL_TOKEN_HEADER]: signInternalToken(privateKey, principal, 'cid-1', '127.0.0.1') } : {};
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
    const other = generateKeyPairSync('ed25519').privateKey;
    const guard = new InternalAuthGuard(new Reflector(), publicKey);
    const forged = executionContext(routeWith(Actions.authenticated()), { [INTERNAL_TOKEN_HEADER]: signInternalToken(other, root, 'cid', undefined) });
    expect(await refusal(guard.canActivate(forged))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a route without a declared policy, and a platform action the principal lacks', async () => {
    expect(await refusal(guardRun(root, undefined))).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    expect(await refusal(guardRun(alice, Actions.admin(), new RecordingLoader()))).toEqual({ status: 403, code: 'PERMISSION_DENIED' });
    expect((await guardRun(root, Actions.admin(), new RecordingLoader())).allowed).toBe(true);
  });
});
