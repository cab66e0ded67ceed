import { Controller, Get, Res } from '@nestjs/common';
import { Response } from 'express';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AdminApi } from './openapi/api-route.decorators';
import { Public } from './policy';
import { Readiness } from './readiness';
import { RETRY_AFTER_SECONDS } from './errors';

class LiveResponse {
  @ApiProperty({ type: String, enum: ['ok'] })
  status!: string;
}

class ReadyResponse {
  @ApiProperty({ type: String, enum: ['ready', 'not_ready'] })
  status!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' }, description: 'each dependency and whether it is ready' })
  checks!: Record<string, boolean>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'shown for operators; does not decide readiness' })
  details?: Record<string, unknown>;
}

@Controller()
@Public()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('health/live')
  @AdminApi({ summary: 'liveness probe (no authentication)', response: LiveResponse })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @AdminApi({ summary: 'readiness probe (no authentication); 503 while not ready', response: ReadyResponse })
  ready(@Res() res: Response) {
    const report = this.readiness.report();
    if (!report.ready) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks, ...(report.details ? { details: report.details } : {}) });
  }
}
