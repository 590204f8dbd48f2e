import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { SessionsModule } from '../sessions/sessions.module';
import { MessageEntity } from './message.entity';
import { ReactionEntity } from './reaction.entity';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';
import { MessagingGateway } from './messaging.gateway';
import { MessagingService } from './messaging.service';
import { MessagesRepository } from './messages.repository';
import { TypingService } from './typing.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([MessageEntity, ReactionEntity]),
    SessionsModule,
  ],
  providers: [
    MessagesRepository,
    MessagingService,
    TypingService,
    ReactionsRepository,
    ReactionsService,
    MessagingGateway,
  ],
})
export class MessagingModule {}
