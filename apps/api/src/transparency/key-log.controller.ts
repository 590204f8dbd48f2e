import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  ConsistencyProofPayload,
  InclusionProofPayload,
  LogEntriesPayload,
  TreeHeadPayload,
} from '@app/shared';

import {
  ConsistencyQueryDto,
  EntriesQueryDto,
  ProofQueryDto,
} from './dto/key-log-query.dto';
import { typedNameKey } from '../identity/name-identity';
import { KeyLogRateGuard } from './key-log-rate.guard';
import { KeyLogService } from './key-log.service';

/** The key-transparency log, public: anyone may check it and monitor names (rate limited, L70). */
@ApiTags('transparency')
@Controller('transparency')
@UseGuards(KeyLogRateGuard)
export class KeyLogController {
  constructor(private readonly log: KeyLogService) {}

  @Get('head')
  @ApiOperation({ summary: 'The latest signed tree head' })
  head(): Promise<TreeHeadPayload> {
    return this.log.latestHead();
  }

  @Get('proof')
  @ApiOperation({
    summary: "A name's latest binding and its inclusion proof",
  })
  proof(@Query() query: ProofQueryDto): Promise<InclusionProofPayload> {
    return this.log.proof(typedNameKey(query.name), query.size);
  }

  @Get('consistency')
  @ApiOperation({ summary: 'The consistency proof between two tree sizes' })
  consistency(
    @Query() query: ConsistencyQueryDto,
  ): Promise<ConsistencyProofPayload> {
    return this.log.consistency(query.from, query.to);
  }

  @Get('entries')
  @ApiOperation({ summary: 'Leaves start to end (exclusive), at most 1,000' })
  entries(@Query() query: EntriesQueryDto): Promise<LogEntriesPayload> {
    return this.log.entries(query.start, query.end);
  }
}
