import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { mergeMap, Observable } from 'rxjs';
import { AccessPropagation, PROPAGATION_HEADER } from './access-propagation';
import { currentContext } from './request-context';

/** Holds a successful answer until the access changes it committed are enforced everywhere (decision 031). */
@Injectable()
export class PropagationInterceptor implements NestInterceptor {
  constructor(private readonly propagation: AccessPropagation) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = currentContext();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        const outcome = await this.propagation.settle(request);
        const res = context.switchToHttp().getResponse<Response>();
        if (outcome && !res.headersSent) res.setHeader(PROPAGATION_HEADER, outcome);
        return body;
      }),
    );
  }
}
