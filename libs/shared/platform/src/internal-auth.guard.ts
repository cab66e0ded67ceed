import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { Action, authorize, authorizeScope, PolicyContext, Principal } from '@custos/rbac';
import { ApiError } from './errors';
import { principalFromClaims } from './internal-token';
import { InternalTokenVerifier } from './internal-token.verifier';
import { POLICY_KEY, PUBLIC_KEY } from './policy';
import { currentContext } from './request-context';

/** What an admin's requests carry instead of loaded grants (see canActivate). */
export const ADMIN_POLICY: PolicyContext = Object.freeze({ grants: Object.freeze([]), defaultPermission: 'NO_PERMISSIONS' });

export const POLICY_CONTEXT_LOADER = Symbol('POLICY_CONTEXT_LOADER');

/** Supplies a principal's grants; provided by services that keep a local grants projection. */
export interface PolicyContextLoader {
  load(principal: Principal): Promise<PolicyContext>;
}

/**
 * Global guard of every service: the caller must present the gateway's internal token, and the
 * route must declare a policy. Platform-level actions (admin, audit) are decided here; resource
 * actions are decided by the handler once the resource is known (an API key's scope here already).
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: InternalTokenVerifier,
    @Optional() @Inject(POLICY_CONTEXT_LOADER) private readonly policyLoader?: PolicyContextLoader,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    // Verified already by InternalTokenMiddleware before routing; verified here when it did not run.
    const claims = await this.verifier.claimsOf(context.switchToHttp().getRequest<Request>());
    const principal = principalFromClaims(claims);
    const ctx = currentContext();
    const action = this.reflector.getAllAndOverride<Action | undefined>(POLICY_KEY, targets);
    if (!action) throw new ApiError(403, 'PERMISSION_DENIED', 'route declares no policy');
    // Admin short-circuits every resource decision (authorize, permissionRankSql) whatever its key's
    // scopes, so an admin's grants could never change an answer: they are not read.
    if (ctx && this.policyLoader) ctx.policy = isAdmin(principal) ? ADMIN_POLICY : await this.policyLoader.load(principal);
    // Resource actions: only the key's scope here (it needs no resource); the handler decides the rest.
    const decision = action.kind === 'resource' ? authorizeScope(principal, action) : authorize(principal, action, undefined, { grants: [], defaultPermission: 'NO_PERMISSIONS' });
    if (!decision.allowed) throw new ApiError(403, 'PERMISSION_DENIED', `Permission denied: ${decision.reason}`);
    return true;
  }
}

function isAdmin(p: Principal): boolean {
  return p.roles.includes('admin');
}
