import { Controller, Get, Header, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { MetricsService } from '../metrics/metrics.service';
import { AdminAuthGuard } from './admin-auth.guard';

/**
 * Prometheus scrapes this every few seconds: behind the admin token like the rest of the admin
 * API, but not written to the audit log as each admin request is (a scrape every 15 s would be
 * 5,760 rows a day saying nothing). Failed attempts are still audited by the guard.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminAuthGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "This instance's figures in the Prometheus text format",
  })
  async scrape(@Res() response: Response): Promise<void> {
    response
      .set('Content-Type', this.metrics.contentType)
      .send(await this.metrics.text());
  }
}
