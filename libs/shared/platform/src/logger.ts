import pino, { Logger } from 'pino';
import { LoggerService } from '@nestjs/common';
import { currentContext } from './request-context';

/** JSON logs; every line inside a request carries its correlation id. Secrets are redacted by path. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId } : {};
    },
    redact: {
      paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'apiKey', '*.apiKey', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}

export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export function logFn(logger: Logger): LogFn {
  return (level, msg, extra) => logger[level](extra ?? {}, msg);
}
