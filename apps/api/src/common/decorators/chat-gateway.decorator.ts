import {
  UseFilters,
  UseInterceptors,
  UsePipes,
  applyDecorators,
} from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';

import { WsExceptionsFilter } from '../filters/ws-exceptions.filter';
import { PerSocketOrderInterceptor } from '../interceptors/per-socket-order.interceptor';
import { createValidationPipe } from '../validation';

/**
 * A gateway of chat commands: errors become sealed `exception` events, each socket's commands
 * run in arrival order, and every payload is whitelist-validated.
 */
export function ChatGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway(),
    UseFilters(WsExceptionsFilter),
    UseInterceptors(PerSocketOrderInterceptor),
    UsePipes(createValidationPipe()),
  );
}
