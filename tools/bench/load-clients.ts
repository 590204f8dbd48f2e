/**
 * The load clients of `npm run bench`, one kind per server, both over the minimal Socket.IO
 * client in light-socket.ts: ours (the shared `SecureChatClient`, channels on `node:crypto`) and
 * plain. They run in the generator's worker threads (load-worker.ts), so everything here is
 * described by a plain, cloneable `ClientSpec`. The file transfer's plain sender and recipient
 * (`plainLogin`) use socket.io-client, for its binary events.
 */
import { randomUUID } from 'node:crypto';

import {
  type ChannelMaker,
  ClientEvent,
  type E2eePayload,
  type ExceptionPayload,
  type KeyPackagePayload,
  type MessagePayload,
  type PrivateMessagePayload,
  SecureChatClient,
  ServerEvent,
  createIdentityKey,
  fromBase64,
  toBase64,
} from '@app/shared';
import {
  type E2eeDevice,
  e2eePayload,
  encodeE2eeContent,
  tsMlsEngine,
} from '@app/shared/e2ee';
import {
  claimKeyPackage,
  nodeCryptoChannels,
  relayedPrivate,
} from '@app/testing';
import { io, type Socket } from 'socket.io-client';

import { LightSocket } from './light-socket';

/** What a load client does; `found` and `publishKeyPackage` only on ours, end to end. */
export interface LoadClient {
  say(text: string): void;
  whisper(to: string, text: string): void;
  close(): void;
  /** End to end: found the conversation with `to`, who publishes a key package for it. */
  found?(to: string, peer: LoadClient): Promise<void>;
  publishKeyPackage?(): Promise<void>;
}

/** Each message's text (a private one end to end: its client id) as it arrives. */
export type OnMessage = (text: string) => void;

/** Which server the clients log in to: cloneable, so a worker thread can make its own. */
export type ClientSpec =
  | {
      kind: 'ours';
      /** Client i logs in to urls[i % urls.length] (a cluster spreads its clients). */
      urls: string[];
      /** Private messages end to end (MLS), or stand-in ciphertext (no conversation founded). */
      endToEnd: boolean;
    }
  | { kind: 'plain'; url: string };

/** Client `index` of the run, logged in as `username`. */
export function connectClient(
  spec: ClientSpec,
  index: number,
  username: string,
  onMessage: OnMessage,
): Promise<LoadClient> {
  return spec.kind === 'plain'
    ? plainClient(spec.url, username, onMessage)
    : ourClient(
        spec.urls[index % spec.urls.length],
        username,
        onMessage,
        spec.endToEnd,
      );
}

/**
 * The load clients' channels: `node:crypto`, with one saving. A thread's clients all hold the
 * same room key, so a room frame is authenticated and decrypted once per thread; every other
 * client's copy must equal that one byte for byte (then its plaintext is the same). The server's
 * work is unchanged (it wrote every copy); without this the generator, which opens each frame a
 * thousand times where the server sealed it once, runs out of cores first on this machine.
 */
const OPENED_KEPT = 512;
/** Per room key (base64): the frames opened lately, by sequence number (the nonce's low bytes). */
const opened = new Map<
  string,
  Map<number, { aad: Uint8Array; box: Uint8Array; plaintext: Uint8Array }>
>();
const loadChannels: ChannelMaker = {
  make: nodeCryptoChannels.make,
  async roomKey(raw) {
    const decrypt = await nodeCryptoChannels.roomKey(raw);
    const id = Buffer.from(raw).toString('base64');
    let frames = opened.get(id);
    if (!frames) opened.set(id, (frames = new Map()));
    const kept = frames;
    return async (nonce, aad, box) => {
      const seq = Buffer.from(nonce.buffer, nonce.byteOffset).readUInt32BE(8);
      const seen = kept.get(seq);
      if (
        seen &&
        Buffer.compare(seen.box, box) === 0 &&
        Buffer.compare(seen.aad, aad) === 0
      )
        return seen.plaintext;
      const plaintext = await decrypt(nonce, aad, box);
      kept.set(seq, { aad, box, plaintext });
      if (kept.size > OPENED_KEPT)
        kept.delete(kept.keys().next().value as number);
      return plaintext;
    };
  },
};

/**
 * Real MLS messages sealed per conversation before the load, sent in turn: the server relays
 * them unopened, so a pool of real ciphertexts costs it what distinct ones would, and the
 * generator's P-384 signatures (JavaScript) stay out of the measurement.
 */
const SEALED_POOL = 20;

/**
 * Logs in to our server through the shared protocol client, passing on each message's text. End
 * to end, a private message's key and send time ride in its client id (the recipient does not
 * open it: that would measure the generator's MLS, not the server).
 */
async function ourClient(
  url: string,
  username: string,
  onMessage: OnMessage,
  endToEnd: boolean,
): Promise<LoadClient> {
  /** The pending key-package claim: the package, or undefined when the server refused it. */
  let claimed: ((keyPackage: string | undefined) => void) | undefined;
  let ready: () => void = () => undefined;
  let joined: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const settled = (set: (done: () => void) => void) =>
    new Promise<void>((resolve, reject) => {
      set(resolve);
      failed = reject;
    });
  const socket = new LightSocket(url);
  const client = new SecureChatClient(socket, {
    trust: () => true,
    onReady: () => ready(),
    onFailure: (reason) => failed(new Error(`${username}: ${reason}`)),
    retryRefused: false,
    channels: loadChannels,
    onEvent: (event, payload) => {
      if (event === ServerEvent.MessageCreated)
        onMessage((payload as MessagePayload).text);
      else if (event === ServerEvent.PrivateMessageCreated) {
        const message = payload as PrivateMessagePayload;
        onMessage(message.e2ee ? message.clientId : message.text);
      } else if (event === ServerEvent.SessionJoined) joined();
      else if (event === ServerEvent.KeyPackage)
        claimed?.((payload as KeyPackagePayload).package);
      else if (event === ServerEvent.Exception) {
        const problem = payload as ExceptionPayload;
        if (problem.event === ClientEvent.KeyPackageClaim) claimed?.(undefined);
        if (problem.event === ClientEvent.SessionLogin)
          failed(new Error(`${username}: ${problem.code}`));
      }
    },
  });
  socket.on('connect_error', (error: Error) => failed(error));
  const channel = settled((done) => (ready = done));
  socket.connect();
  await within(channel, 60_000, `${username}'s channel`);
  const join = settled((done) => (joined = done));
  await client.login({ username }, await createIdentityKey());
  // a login among thousands may wait behind everyone else's
  await within(join, 60_000, `${username}'s login`);
  let device: Promise<E2eeDevice> | undefined;
  const deviceOf = () =>
    (device ??= createIdentityKey().then((key) =>
      tsMlsEngine.device(username, key, async () => true),
    ));
  const pools = new Map<string, { sealed: E2eePayload[]; next: number }>();
  return {
    say: (text) =>
      void client.send(ClientEvent.MessageSend, {
        clientId: randomUUID(),
        text,
      }),
    whisper: (to, text) => {
      const pool = pools.get(to);
      // no conversation founded: a stand-in ciphertext of the text's size (no MLS work here;
      // the server relays it as it relays any, E63)
      if (!pool)
        return void client.send(
          ClientEvent.PrivateMessageSend,
          relayedPrivate(text, to, text),
        );
      void client.send(ClientEvent.PrivateMessageSend, {
        clientId: text,
        to,
        text: '',
        e2ee: pool.sealed[pool.next++ % pool.sealed.length],
      });
    },
    close: () => client.close(),
    async publishKeyPackage() {
      const keyPackage = await (await deviceOf()).keyPackage();
      await client.send(ClientEvent.KeyPackagesPublish, {
        packages: [toBase64(keyPackage)],
      });
    },
    async found(to, peer) {
      if (!endToEnd || pools.has(to)) return;
      await peer.publishKeyPackage?.();
      const keyPackage = await claimKeyPackage(to, async () => {
        const answer = new Promise<string | undefined>(
          (resolve) => (claimed = resolve),
        );
        await client.send(ClientEvent.KeyPackageClaim, { name: to });
        return answer;
      });
      const id = crypto.getRandomValues(new Uint8Array(16));
      const { conversation, welcome } = await (
        await deviceOf()
      ).start(id, fromBase64(keyPackage), to);
      await client.send(ClientEvent.PrivateMessageSend, {
        clientId: randomUUID(),
        to,
        text: '',
        e2ee: e2eePayload('welcome', id, welcome),
      });
      const sealed: E2eePayload[] = [];
      for (let i = 0; i < SEALED_POOL; i++)
        sealed.push(
          e2eePayload(
            'message',
            id,
            await conversation.seal(encodeE2eeContent({ text: `pool.${i}|0` })),
          ),
        );
      pools.set(to, { sealed, next: 0 });
    },
  };
}

async function plainClient(
  url: string,
  username: string,
  onMessage: OnMessage,
): Promise<LoadClient> {
  const socket = new LightSocket(url);
  socket.on('message', (m: { text: string }) => onMessage(m.text));
  socket.on('private', (m: { text: string }) => onMessage(m.text));
  const joined = new Promise<void>((resolve, reject) => {
    socket.once('joined', () => resolve());
    socket.on('connect_error', (error: Error) => reject(error));
  });
  socket.once('connect', () => socket.emit('login', username));
  socket.connect();
  await within(joined, 60_000, `${username}'s plain login`);
  return {
    say: (text) => socket.emit('message', { clientId: randomUUID(), text }),
    whisper: (to, text) =>
      socket.emit('private', { clientId: randomUUID(), to, text }),
    close: () => socket.close(),
  };
}

/** Logs in to the plain server with socket.io-client (the file transfer's binary events). */
export async function plainLogin(
  url: string,
  username: string,
): Promise<Socket> {
  const socket: Socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await within(
    new Promise<void>((done) => {
      socket.once('joined', () => done());
      socket.emit('login', username);
    }),
    30_000,
    'plain login',
  );
  return socket;
}

/** Rejects when `promise` takes longer than `ms`: every phase is bounded. */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms).unref(),
    ),
  ]);
}
