import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { SessionsModule } from '../sessions/sessions.module';
import { MessageEntity } from './message.entity';
import { MessagingGateway } from './messaging.gateway';
import { MessagingService } from './messaging.service';
import { MessagesRepository } from './messages.repository';
import { TypingService } from './typing.service';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity]), SessionsModule],
  providers: [
    MessagesRepository,
    MessagingService,
    TypingService,
    MessagingGateway,
  ],
})
export class MessagingModule {}
