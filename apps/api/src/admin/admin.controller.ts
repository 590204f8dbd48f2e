import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type AdminUserPayload,
  type AuditCheckpointPayload,
  type AuditLogPagePayload,
  type ChainReportPayload,
  ErrorCode,
} from '@app/shared';

import { verifyChain } from '../audit/audit-chain';
import { AuditCheckpointsRepository } from '../audit/audit-checkpoints.repository';
import { AuditRepository } from '../audit/audit.repository';
import { DomainException } from '../common/domain.exception';
import { AppConfigService } from '../config/app-config.service';
import { CryptoService } from '../crypto/crypto.service';
import { IdentityService } from '../identity/identity.service';
import { typedNameKey } from '../identity/name-identity';
import { MessagesRepository } from '../messaging/messages.repository';
import { Roster } from '../sessions/roster';
import { SessionsService } from '../sessions/sessions.service';
import { AdminAuditInterceptor } from './admin-audit.interceptor';
import { AdminAuthGuard } from './admin-auth.guard';
import { LogsQueryDto } from './dto/logs-query.dto';
import { publicMessageId, withPublicText } from './public-text';

const toIso = (value: string | undefined) =>
  value ? new Date(value).toISOString() : undefined;

/** The admin REST API: read-only views of users and the audit log, plus kick and release. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminAuthGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly roster: Roster,
    private readonly events: AuditRepository,
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly crypto: CryptoService,
    private readonly configService: AppConfigService,
    private readonly identity: IdentityService,
    private readonly messages: MessagesRepository,
  ) {}

  @Get('users')
  @ApiOperation({
    summary: 'Users online now (and names held for a reconnect)',
  })
  users(): AdminUserPayload[] {
    const local = this.roster.local().map((m) => ({
      username: m.username,
      since: m.since,
      address: m.addressHash,
      connected: this.roster.isConnected(m),
    }));
    // members of other instances (a cluster): their address hash stays with their instance
    const remote = this.roster.remote().map((m) => ({
      username: m.username,
      since: m.since,
      address: '',
      connected: m.connected,
    }));
    return [...local, ...remote];
  }

  @Post('users/:name/kick')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disconnect a user; everyone sees a system message',
  })
  async kick(@Param('name') name: string): Promise<{ kicked: string }> {
    if (name.length > 64 || !(await this.sessions.kick(name))) {
      throw new DomainException(ErrorCode.NotFound, 'No such user is online.');
    }
    return { kicked: name };
  }

  @Post('users/:name/release')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Free a name bound to an identity key; its holder, if online, is signed out, and the name's contacts see the next owner as a key change",
  })
  async release(@Param('name') name: string): Promise<{ released: string }> {
    const username =
      name.length <= 64
        ? await this.identity.release(typedNameKey(name))
        : undefined;
    if (!username)
      throw new DomainException(
        ErrorCode.NotFound,
        'No identity key owns this name.',
      );
    await this.sessions.kick(username, 'release');
    return { released: username };
  }

  @Get('logs')
  @ApiOperation({
    summary: 'Audit events, newest first, paged by the `before` cursor',
  })
  async logs(@Query() query: LogsQueryDto): Promise<AuditLogPagePayload> {
    const limit = query.limit ?? 50;
    const rows = await this.events.page({
      ...query,
      limit,
      from: toIso(query.from),
      to: toIso(query.to),
    });
    const events = rows.map((row) => ({
      ...row,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
    const texts = await this.messages.textsOf(
      events.flatMap((event) => publicMessageId(event) ?? []),
    );
    return {
      events: events.map((event) => withPublicText(event, texts)),
      nextBefore: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }

  @Get('logs/verify')
  @ApiOperation({
    summary: 'Recompute the hash chain and check every signed checkpoint',
  })
  async verify(): Promise<ChainReportPayload> {
    return verifyChain(
      this.events.readChain(),
      await this.checkpoints.all(),
      this.crypto.checkpointKeys,
      {
        maxAgeMs: 2 * this.configService.config.audit.checkpointSeconds * 1000,
      },
    );
  }

  @Get('checkpoints')
  @ApiOperation({
    summary: 'The latest signed checkpoints of the audit chain, newest first',
  })
  recentCheckpoints(): Promise<AuditCheckpointPayload[]> {
    return this.checkpoints.recent(100);
  }
}
