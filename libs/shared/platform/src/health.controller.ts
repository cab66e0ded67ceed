import { Controller, Get, Res } from '@nestjs/common';
import { Response } from 'express';
import { Public } from './policy';
import { Readiness } from './readiness';
import { RETRY_AFTER_SECONDS } from './errors';

@Controller()
@Public()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(@Res() res: Response) {
    const report = this.readiness.report();
    if (!report.ready) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks, ...(report.details ? { details: report.details } : {}) });
  }
}
