import { signal } from '@angular/core';
import type { SealedServerEvent, ServerEventMap } from '@app/shared';
import { Subject, filter, map } from 'rxjs';

/**
 * For specs only: a Subject-backed stand-in for `SocketService`. Tests push server events with
 * `emit` and read what the code under test sent with `sent`.
 */
export class FakeSocketService {
  readonly events = new Subject<{
    event: SealedServerEvent;
    payload: unknown;
  }>();
  readonly connected$ = new Subject<void>();
  readonly problems = new Subject<{ message: string }>();
  readonly status = signal('connected');
  readonly login = jest.fn<Promise<boolean>, [unknown]>(async () => true);
  readonly send = jest.fn<Promise<boolean>, [string, unknown]>(
    async () => true,
  );
  /** No handshake here: no server key, so nothing is checked against the key log. */
  readonly serverKey = jest.fn((): CryptoKey | undefined => undefined);

  on<E extends SealedServerEvent>(event: E) {
    return this.events.pipe(
      filter((e) => e.event === event),
      map((e) => e.payload as ServerEventMap[E]),
    );
  }

  emit<E extends SealedServerEvent>(
    event: E,
    payload: ServerEventMap[E],
  ): void {
    this.events.next({ event, payload });
  }

  sent(event: string): unknown[] {
    return this.send.mock.calls
      .filter(([e]) => e === event)
      .map(([, payload]) => payload);
  }
}
