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
  // the admin log shows a public message's words beside the digest its audit row keeps
  exports: [MessagesRepository],
})
export class MessagingModule {}
