import { ErrorCode } from '../errors/error-code';
import type { ExceptionPayload } from '../errors/error-payload';
import { ClientEvent } from '../protocol/client-event';
import type {
  SendMessagePayload,
  SendPrivateMessagePayload,
} from '../protocol/payloads/message.payload';

/** A chat message on its way: pending until the server's copy comes back, or refused for good. */
export type Outgoing =
  | {
      event: typeof ClientEvent.MessageSend;
      payload: SendMessagePayload;
      state: OutgoingState;
      attempts: number;
    }
  | {
      event: typeof ClientEvent.PrivateMessageSend;
      payload: SendPrivateMessagePayload;
      state: OutgoingState;
      attempts: number;
    };

export type OutgoingState = 'pending' | 'failed';

/** Refusals that say "not now" rather than "never": the message stays pending and is resent. */
const RETRYABLE: readonly string[] = [
  ErrorCode.Unavailable,
  ErrorCode.NotLoggedIn,
  ErrorCode.RateLimited,
  ErrorCode.DecryptFailed,
  ErrorCode.Internal,
];

/** Delay before resending after the n-th "not now" (1 s, 2 s, 4 s … at most 15 s). */
export function retryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 15_000);
}

/**
 * At-least-once sending of chat messages, the same in the browser, the tests and the load
 * tools. Every message keeps its client id for life: the server stores a resend once and answers
 * it with the original, so resending after a reconnect or a "temporarily unavailable" is safe.
 */
export class Outbox {
  private readonly items = new Map<string, Outgoing>();

  /** Queues a message; `send` it now if connected, else it goes with `pending()` after the join. */
  add(
    outgoing:
      | Pick<Extract<Outgoing, { event: 'message:send' }>, 'event' | 'payload'>
      | Pick<
          Extract<Outgoing, { event: 'private-message:send' }>,
          'event' | 'payload'
        >,
  ): Outgoing {
    const item = { ...outgoing, state: 'pending', attempts: 0 } as Outgoing;
    this.items.set(outgoing.payload.clientId, item);
    return item;
  }

  /** Counts one more attempt (call right before sending). */
  attempt(clientId: string): void {
    const item = this.items.get(clientId);
    if (item) item.attempts++;
  }

  /** The server's copy of the message arrived: it is stored (public) or delivered (private). */
  acknowledge(clientId: string): Outgoing | undefined {
    const item = this.items.get(clientId);
    this.items.delete(clientId);
    return item;
  }

  /** The server refused it: retryable refusals keep it pending, the others fail it. */
  refuse(error: ExceptionPayload): Outgoing | undefined {
    const item = error.clientId ? this.items.get(error.clientId) : undefined;
    if (item && !RETRYABLE.includes(error.code)) item.state = 'failed';
    return item;
  }

  /** The user asked to try a failed message again. */
  retry(clientId: string): Outgoing | undefined {
    const item = this.items.get(clientId);
    if (item) {
      item.state = 'pending';
      item.attempts = 0;
    }
    return item;
  }

  discard(clientId: string): void {
    this.items.delete(clientId);
  }

  /** What to (re)send, oldest first. */
  pending(): Outgoing[] {
    return [...this.items.values()].filter((item) => item.state === 'pending');
  }

  get size(): number {
    return this.items.size;
  }
}
