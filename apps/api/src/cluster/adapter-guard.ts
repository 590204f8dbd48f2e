import type { Logger } from '@nestjs/common';
import {
  type Adapter,
  type ClusterMessage,
  MessageType,
} from 'socket.io-adapter';
import type { Namespace } from 'socket.io';

/**
 * The only adapter messages instances send each other: `serverSideEmit` and its answers, whose
 * payloads are sealed (`ClusterSeal`). Broadcasts, joins, leaves, socket fetches and
 * disconnects are never sent by us (every instance seals for its own sockets), so one found in
 * Redis was written by someone else and is ignored (R45).
 */
const SENT_BY_INSTANCES: ReadonlySet<number> = new Set([
  MessageType.SERVER_SIDE_EMIT,
  MessageType.SERVER_SIDE_EMIT_RESPONSE,
]);

const LOG_WINDOW_MS = 10_000;

type AdapterFactory = (nsp: Namespace) => Adapter;

/** Wraps an adapter factory so that each adapter acts only on the messages instances send. */
export function guardAdapter(
  factory: AdapterFactory,
  logger: Logger,
): AdapterFactory {
  // a flood of forged messages must not flood the log: one line per window, with a count
  let ignored = 0;
  let windowStart = 0;
  const report = (type: unknown) => {
    ignored++;
    if (Date.now() - windowStart < LOG_WINDOW_MS) return;
    windowStart = Date.now();
    logger.warn(
      `ignored ${ignored} Socket.IO adapter message(s) from Redis that instances never send (last of type ${String(type).slice(0, 8)})`,
    );
    ignored = 0;
  };
  // socket.io calls the factory with `new`: a plain function returning the adapter
  return function (nsp: Namespace) {
    const adapter = factory(nsp);
    // `onMessage` is protected: every message from Redis, stream or channel, goes through it
    const guarded = adapter as unknown as {
      onMessage(message: ClusterMessage, offset?: string): void;
    };
    const onMessage = guarded.onMessage.bind(adapter);
    guarded.onMessage = (message, offset) => {
      const type = (message as { type?: unknown } | null)?.type;
      if (typeof type === 'number' && SENT_BY_INSTANCES.has(type))
        return onMessage(message, offset);
      report(type);
    };
    return adapter;
  };
}
