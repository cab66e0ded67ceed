import { Controller, Get, Res } from '@nestjs/common';
import { Response } from 'express';
import { Public } from './policy';
import { Readiness } from './readiness';
import { Metrics } from './metrics';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(@Res() res: Response) {
    const report = this.readiness.report();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks, details: report.details });
  }

  @Get('metrics')
  async scrape(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
