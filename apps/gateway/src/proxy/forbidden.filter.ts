import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { currentContext, denialOf, ErrorFilter, toCoded } from '@custos/platform';
import { actorOf, DenialRecorder } from './denials';

/**
 * On the gateway's own admin routes, a caller refused by policy (authenticated, but not an admin)
 * is an edge denial like a 401 or an IP block, so it becomes a `gateway.RequestDenied` event too;
 * so does a refusal disguised as a 404 (an AI endpoint the caller may not see). The answer itself
 * is the platform's.
 */
@Injectable()
@Catch()
export class ForbiddenAuditFilter extends ErrorFilter {
  protected override readonly markDenials = false;

  constructor(private readonly denials: DenialRecorder) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const coded = toCoded(exception);
    const ctx = currentContext();
    const denial = denialOf(exception, coded);
    if (denial === undefined || !ctx) return super.catch(exception, host);
    const req = host.switchToHttp().getRequest<Request>();
    const actor = ctx.principal ? actorOf(ctx.principal) : undefined;
    void this.denials
      .record(
        { correlationId: ctx.correlationId, clientCorrelationId: ctx.clientCorrelationId },
        ctx.clientIp ?? '',
        { reason: 'forbidden', method: req.method, path: req.path.slice(0, 2048), status: coded.httpStatus, detail: denial.slice(0, 512) },
        actor,
      )
      .finally(() => super.catch(exception, host));
  }
}
