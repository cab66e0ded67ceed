import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { EventMetadata } from '@custos/events';
import { requestContext, currentContext } from './request-context';
import { Metrics } from './metrics';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    setSafeResponseHeaders(res);
    const given = req.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    const tp = req.headers['traceparent'];
    const setResponseHeader = (name: string, value: string) => {
      if (!res.headersSent) res.setHeader(name, value);
    };
    requestContext.run({ correlationId, path: req.originalUrl, traceparent: typeof tp === 'string' ? tp.slice(0, 128) : undefined, setResponseHeader }, next);
  }
}

/**
 * Answers are data for API clients, never pages: no browser may sniff one into something it renders,
 * and no cache may keep one (they carry identities, keys shown once, audit entries). Set first, as
 * the request context is, so a handler that streams a file may still set its own Cache-Control.
 */
export function setSafeResponseHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

/** Event metadata for facts caused by the current request. */
export function eventMetadata(): EventMetadata {
  const ctx = currentContext();
  const p = ctx?.principal;
  return {
    correlationId: ctx?.correlationId ?? randomUUID(),
    actor: p ? { type: p.kind === 'service_account' ? 'service_account' : p.kind === 'anonymous' ? 'anonymous' : p.kind === 'system' ? 'system' : 'user', id: p.id } : { type: 'system', id: 'system' },
    ...(ctx?.clientCorrelationId ? { clientCorrelationId: ctx.clientCorrelationId } : {}),
    ...(ctx?.clientIp ? { clientIp: ctx.clientIp } : {}),
    ...(ctx?.traceparent ? { traceparent: ctx.traceparent } : {}),
  };
}
