import { ArgumentsHost, Catch, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { currentContext, ErrorFilter, toCoded } from '@custos/platform';
import { actorOf, DenialRecorder } from './denials';

/**
 * On the gateway's own admin routes, a caller refused by policy (authenticated, but not an admin)
 * is an edge denial like a 401 or an IP block, so it becomes a `gateway.RequestDenied` event too;
 * the answer itself is the platform's.
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
    if (coded.httpStatus !== 403 || !ctx) return super.catch(exception, host);
    const req = host.switchToHttp().getRequest<Request>();
    const actor = ctx.principal ? actorOf(ctx.principal) : undefined;
    void this.denials
      .record(
        { correlationId: ctx.correlationId, clientCorrelationId: ctx.clientCorrelationId },
        ctx.clientIp ?? '',
        { reason: 'forbidden', method: req.method, path: req.path.slice(0, 2048), status: 403, detail: coded.message.slice(0, 512) },
        actor,
      )
      .finally(() => super.catch(exception, host));
  }
}
