import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ErrorCode } from '@app/shared';

import type { ChatSocket } from '../../realtime/chat-socket';
import { DomainException } from '../domain.exception';

/** Chat commands need a username: a socket that has only done the handshake is refused (A15). */
@Injectable()
export class LoggedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<ChatSocket>();
    if (!socket.data.sessionId) {
      throw new DomainException(ErrorCode.NotLoggedIn, 'Please log in first.');
    }
    return true;
  }
}
