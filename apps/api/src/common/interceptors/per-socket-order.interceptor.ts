import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Observable, from, lastValueFrom } from 'rxjs';

const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Handles one socket's commands one after another, in the order they arrived: a user's
 * messages are stored and delivered in the order they were sent. Sockets still run in parallel.
 */
@Injectable()
export class PerSocketOrderInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const socket = context.switchToWs().getClient<object>();
    const previous = queues.get(socket) ?? Promise.resolve();
    const current = previous.then(() =>
      lastValueFrom(next.handle(), { defaultValue: undefined }),
    );
    queues.set(
      socket,
      current.catch(() => undefined),
    );
    return from(current);
  }
}
