import { UseFilters, UsePipes, applyDecorators } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';

import { WsExceptionsFilter } from './ws-exceptions.filter';
import { createValidationPipe } from '../common/validation';

/**
 * A gateway of chat commands: errors become sealed `exception` events and every payload is
 * whitelist-validated. Each socket's commands run in arrival order (`RealtimeIoAdapter`).
 */
export function ChatGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway(),
    UseFilters(WsExceptionsFilter),
    UsePipes(createValidationPipe()),
  );
}
