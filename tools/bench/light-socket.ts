/**
 * A minimal Socket.IO v4 client over one WebSocket, for the bench's thousands of clients:
 * socket.io-client's reconnection, buffering and event machinery cost the generator more per
 * received frame than the server spends sending it. It speaks the same wire protocol (the
 * engine.io packet types, namespace CONNECT with auth, events with binary attachments) and
 * implements the `SocketLike` the shared `SecureChatClient` needs; no reconnection.
 */
import type { SocketLike } from '@app/shared';
import WebSocket from 'ws';

type Listener = (...args: never[]) => void;
type AnyListener = (event: string, ...args: unknown[]) => void;

/** A binary attachment's stand-in in an event's JSON (socket.io-parser's format). */
interface Placeholder {
  _placeholder: true;
  num: number;
}

export class LightSocket implements SocketLike {
  auth: unknown;
  connected = false;
  private ws?: WebSocket;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly anyListeners: AnyListener[] = [];
  /** A binary event waiting for its attachments. */
  private partial?: { packet: unknown[]; buffers: Buffer[]; count: number };

  constructor(private readonly url: string) {}

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== wrapped),
      );
      listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }

  onAny(listener: AnyListener): this {
    this.anyListeners.push(listener);
    return this;
  }

  connect(): this {
    const ws = new WebSocket(
      `${this.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
      { perMessageDeflate: false },
    );
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? this.attachment(data) : this.packet(data.toString()),
    );
    ws.on('close', () => {
      const was = this.connected;
      this.connected = false;
      if (was) this.fire('disconnect', 'transport close');
    });
    ws.on('error', (error) => {
      if (!this.connected) this.fire('connect_error', error);
    });
    return this;
  }

  disconnect(): this {
    if (this.connected) this.write('41');
    this.connected = false;
    this.ws?.close();
    return this;
  }

  close(): this {
    return this.disconnect();
  }

  emit(event: string, ...args: unknown[]): this {
    const buffers: Uint8Array[] = [];
    const json = JSON.stringify([event, ...args.map((a) => hide(a, buffers))]);
    this.write(buffers.length ? `45${buffers.length}-${json}` : `42${json}`);
    for (const buffer of buffers) this.ws?.send(buffer);
    return this;
  }

  private write(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** One engine.io packet (and the Socket.IO packet inside a "message"). */
  private packet(text: string): void {
    switch (text[0]) {
      case '0': // engine.io open: connect to the main namespace, with the auth if any
        return this.sendConnect();
      case '2': // ping
        return this.write('3');
      case '4':
        return this.message(text.slice(1));
    }
  }

  private sendConnect(): void {
    const send = (auth?: unknown) =>
      this.write(auth === undefined ? '40' : `40${JSON.stringify(auth)}`);
    if (typeof this.auth === 'function')
      (this.auth as (send: (auth: unknown) => void) => void)(send);
    else send(this.auth);
  }

  private message(text: string): void {
    switch (text[0]) {
      case '0':
        this.connected = true;
        return this.fire('connect');
      case '1':
        this.connected = false;
        this.ws?.close();
        return this.fire('disconnect', 'io server disconnect');
      case '2':
        return this.deliver(JSON.parse(text.slice(1)) as unknown[]);
      case '4': {
        const error = JSON.parse(text.slice(1)) as {
          message: string;
          data?: unknown;
        };
        return this.fire(
          'connect_error',
          Object.assign(new Error(error.message), { data: error.data }),
        );
      }
      case '5': {
        const dash = text.indexOf('-');
        this.partial = {
          count: Number(text.slice(1, dash)),
          packet: JSON.parse(text.slice(dash + 1)) as unknown[],
          buffers: [],
        };
        return;
      }
    }
  }

  private attachment(data: Buffer): void {
    const partial = this.partial;
    if (!partial) return;
    partial.buffers.push(data);
    if (partial.buffers.length < partial.count) return;
    this.partial = undefined;
    this.deliver(restore(partial.packet, partial.buffers) as unknown[]);
  }

  private deliver([event, ...args]: unknown[]): void {
    if (typeof event !== 'string') return;
    for (const listener of this.anyListeners) listener(event, ...args);
    this.fire(event, ...args);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => void)(...args);
  }
}

/** Replaces every byte array in `value` by a placeholder, collecting the bytes. */
function hide(value: unknown, buffers: Uint8Array[]): unknown {
  if (value instanceof Uint8Array) {
    buffers.push(value);
    return { _placeholder: true, num: buffers.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => hide(v, buffers));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, hide(v, buffers)]),
    );
  return value;
}

/** Puts the attachments back where their placeholders are. */
function restore(value: unknown, buffers: Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v, buffers));
  if (typeof value === 'object' && value !== null) {
    if ((value as Placeholder)._placeholder === true)
      return buffers[(value as Placeholder).num];
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, restore(v, buffers)]),
    );
  }
  return value;
}
