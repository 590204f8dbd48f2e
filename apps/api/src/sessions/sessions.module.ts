import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { IdentityModule } from '../identity/identity.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { LoginRefusals } from './login-refusals';
import { PresenceService } from './presence.service';
import { Roster } from './roster';
import { SessionEntity } from './session.entity';
import { SessionsGateway } from './sessions.gateway';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SessionEntity]),
    RealtimeModule,
    IdentityModule,
  ],
  providers: [
    SessionsRepository,
    Roster,
    PresenceService,
    SessionsService,
    LoginRefusals,
    SessionsGateway,
  ],
  exports: [SessionsService, Roster, RealtimeModule, IdentityModule],
})
export class SessionsModule {}
