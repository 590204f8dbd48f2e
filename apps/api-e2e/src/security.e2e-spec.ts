import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

import {
  ClientEvent,
  ErrorCode,
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  Limits,
  ServerEvent,
  createClientOffer,
} from '@app/shared';
import WebSocket from 'ws';

import { connectError } from '@app/testing';
import { useChatRoom } from './support/chat-room';
import {
  ADMIN_TOKEN,
  auditRows,
  messageCount,
  sleep,
} from './support/test-server';

/** The bad-input catalogue of ../shared/SECURITY.md that the core must withstand, by id. */
describe('attack and fault catalogue (core)', () => {
  const room = useChatRoom();
  const login = (name: string) => room.login(name);
  const connect = () => room.connect();
  const server = () => room.server;
  let bystanders = 0;

  /** After every attack the room still works for a bystander. */
  async function expectRoomStillWorks(): Promise<void> {
    const a = await login(`bystander${++bystanders}`);
    await a.send(ClientEvent.MessageSend, {
      clientId: 'ok',
      text: 'still alive',
    });
    await a.next(ServerEvent.MessageCreated, (m) => m.text === 'still alive');
  }

  describe('P1 garbage frames', () => {
    it.each([
      ['42['],
      ['42["message:send",{"v":1'],
      ['not socket.io at all'],
      ['4'],
    ])('P1: %j closes only that socket, the server stays up', async (frame) => {
      const bystander = await login('bystander');
      const ws = new WebSocket(
        `ws://127.0.0.1:${server().port}/socket.io/?EIO=4&transport=websocket`,
      );
      await new Promise((resolve) => ws.once('message', resolve)); // engine.io open packet
      const closed = new Promise<number>((resolve) =>
        ws.once('close', resolve),
      );
      ws.send(frame);
      await expect(closed).resolves.toBeGreaterThan(0);
      expect(bystander.socket.connected).toBe(true);
      await expectRoomStillWorks();
    });
  });

  it('P4: __proto__ and constructor.prototype are refused by name and pollute nothing', async () => {
    const alice = await connect();
    const polluted = JSON.parse(
      '{"username":"eve","__proto__":{"isAdmin":true}}',
    ) as object;
    await alice.sendRaw(ClientEvent.SessionLogin, polluted);
    const error = await alice.nextError(ClientEvent.SessionLogin);
    expect(error).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: '__proto__',
    });

    await alice.sendRaw(ClientEvent.SessionLogin, {
      username: 'eve',
      constructor: { prototype: { isAdmin: true } },
    });
    expect(await alice.nextError(ClientEvent.SessionLogin)).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'constructor',
    });
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
    expect(alice.all(ServerEvent.SessionJoined)).toHaveLength(0);
  });

  describe('P5 wrong types, missing and extra fields, huge arrays', () => {
    const cases: [string, string, unknown, string][] = [
      [
        'number as text',
        ClientEvent.MessageSend,
        { clientId: 'x', text: 42 },
        'text',
      ],
      ['missing text', ClientEvent.MessageSend, { clientId: 'x' }, 'text'],
      ['missing clientId', ClientEvent.MessageSend, { text: 'hi' }, 'clientId'],
      [
        'extra field',
        ClientEvent.MessageSend,
        { clientId: 'x', text: 'hi', admin: true },
        'admin',
      ],
      [
        '10k-element array',
        ClientEvent.MessageSend,
        { clientId: 'x', text: Array.from({ length: 10_000 }, () => 1) },
        'text',
      ],
      [
        'object as recipient',
        ClientEvent.PrivateMessageSend,
        { clientId: 'x', text: 'hi', to: { name: 'bob' } },
        'to',
      ],
      [
        'array as username',
        ClientEvent.SessionLogin,
        { username: ['a', 'b'] },
        'username',
      ],
    ];

    it.each(cases)(
      'P5: %s gets invalid_payload naming the field; nothing stored',
      async (_name, event, payload, field) => {
        const alice =
          event === ClientEvent.SessionLogin
            ? await connect()
            : await login('alice');
        const before = await messageCount(server());
        await alice.sendRaw(event, payload);
        const error = await alice.nextError(event);
        expect(error.code).toBe(ErrorCode.InvalidPayload);
        expect(error.field).toBe(field);
        expect(error.message).not.toMatch(/internal/i);
        expect(await messageCount(server())).toBe(before);
        const audited = (await auditRows(server(), 'request_rejected')).at(-1)!;
        expect(JSON.parse(audited.detail)).toMatchObject({
          code: ErrorCode.InvalidPayload,
          field,
        });
      },
    );
  });

  it('P6: markup, bidi and zero-width text travel as plain text; over-long text gets a length error', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const hostile =
      '<img src=x onerror=alert(1)> javascript:alert(1) \u202Eevil\u200B';
    await alice.send(ClientEvent.MessageSend, { clientId: 'h', text: hostile });
    expect((await bob.next(ServerEvent.MessageCreated)).text).toBe(hostile);

    const before = await messageCount(server());
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'long',
      text: 'x'.repeat(Limits.messageMaxChars + 1),
    });
    const error = await alice.nextError(ClientEvent.MessageSend);
    expect(error).toMatchObject({
      code: ErrorCode.MessageTooLong,
      clientId: 'long',
    });
    expect(error.message).toContain(String(Limits.messageMaxChars));
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'max',
      text: '😀'.repeat(Limits.messageMaxChars),
    });
    await bob.next(ServerEvent.MessageCreated, (m) => m.clientId === 'max');
    expect(await messageCount(server())).toBe(before + 1);
  });

  describe('C8 tampered envelopes', () => {
    const flip = (bytes: Uint8Array, index: number) => {
      const copy = new Uint8Array(bytes);
      copy[(index + copy.length) % copy.length] ^= 1;
      return copy;
    };
    it.each([
      [
        'body',
        (e: string, env: { v: number; seq: number; box: Uint8Array }) => [
          e,
          { ...env, box: flip(env.box, 0) },
        ],
      ],
      [
        'tag',
        (e: string, env: { v: number; seq: number; box: Uint8Array }) => [
          e,
          { ...env, box: flip(env.box, -1) },
        ],
      ],
      [
        'sequence number (nonce)',
        (e: string, env: { v: number; seq: number; box: Uint8Array }) => [
          e,
          { ...env, seq: env.seq + 1 },
        ],
      ],
      [
        'event name (AAD)',
        (_e: string, env: { v: number; seq: number; box: Uint8Array }) => [
          ClientEvent.PrivateMessageSend,
          env,
        ],
      ],
    ] as const)(
      'C8: a flipped %s gives one generic decrypt_failed, then the session goes on',
      async (_name, tamper) => {
        const alice = await login('alice');
        alice.tamperNext(tamper as never);
        await alice.send(ClientEvent.MessageSend, {
          clientId: 't',
          text: 'tampered',
        });
        const error = await alice.nextError();
        expect(error).toMatchObject({
          code: ErrorCode.DecryptFailed,
          message: 'The message could not be decrypted.',
        });
        expect(JSON.stringify(error)).not.toContain('tampered');
        // nothing was consumed: the client's next envelope still has the sequence number expected
        await sleep(50);
        expect(alice.all(ServerEvent.MessageCreated)).toHaveLength(0);
      },
    );
  });

  it('C9: an exact replay is refused, on the same connection and on a new one', async () => {
    const alice = await login('alice');
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'once',
      text: 'only once',
    });
    await alice.next(ServerEvent.MessageCreated);
    const [event, captured] = alice.sent.at(-1)!;
    const before = await messageCount(server());

    alice.socket.emit(event as never, captured as never);
    expect((await alice.nextError()).code).toBe(ErrorCode.DecryptFailed);

    const other = await login('mallory');
    other.socket.emit(event as never, captured as never);
    expect((await other.nextError()).code).toBe(ErrorCode.DecryptFailed);
    expect(await messageCount(server())).toBe(before);
  });

  it('C10: every connection gets fresh ephemeral keys; a reconnect re-keys', async () => {
    const alice = await login('alice');
    const readies: string[] = [];
    alice.socket.on(
      ServerEvent.SessionReady as never,
      (ready: { ephemeral: string }) => {
        readies.push(ready.ephemeral);
      },
    );
    alice.socket.io.engine.close();
    await alice.until(() => alice.readyCount === 2, 'reconnect');
    alice.socket.io.engine.close();
    await alice.until(() => alice.readyCount === 3, 'second reconnect');
    expect(new Set(readies).size).toBe(2);
    // sequence numbers restart under the new key, which is only safe because the key is new
    expect(alice.sent.length).toBeGreaterThan(0);
  });

  describe('C11 / C14 bad handshakes get one uniform refusal', () => {
    const valid = () => createClientOffer().then((o) => o.offer);
    const cases: [string, () => Promise<unknown>][] = [
      ['no auth at all', async () => undefined],
      [
        'truncated public key',
        async () => ({
          ...(await valid()),
          pub: (await valid()).pub.slice(0, 40),
        }),
      ],
      [
        'random bytes as key',
        async () => ({
          ...(await valid()),
          pub: randomBytes(65).toString('base64'),
        }),
      ],
      [
        'point not on the curve',
        async () => ({
          ...(await valid()),
          pub: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString(
            'base64',
          ),
        }),
      ],
      [
        'PKCS#1 v1.5 key transport',
        async () => ({
          ...(await valid()),
          suite: 'RSA-PKCS1-v1_5+AES-256-GCM',
        }),
      ],
      [
        'CBC offered (C14)',
        async () => ({
          ...(await valid()),
          suite: 'ECDHE-P256+RSA-PSS-SHA256+HKDF-SHA256+AES-256-CBC',
        }),
      ],
      [
        'no encryption (C14)',
        async () => ({ ...(await valid()), suite: 'none' }),
      ],
      [
        'short key (C14)',
        async () => ({
          ...(await valid()),
          suite: 'ECDHE-P256+RSA-PSS-SHA256+HKDF-SHA256+AES-128-GCM',
        }),
      ],
      [
        'older version',
        async () => ({ ...(await valid()), v: HANDSHAKE_VERSION - 1 }),
      ],
      [
        'oversized key',
        async () => ({
          v: HANDSHAKE_VERSION,
          suite: HANDSHAKE_SUITE,
          pub: 'A'.repeat(10_000),
        }),
      ],
    ];
    it.each(cases)('C11/C14: %s', async (_name, auth) => {
      const error = await connectError(server().url, await auth());
      expect(error.message).toBe('handshake_failed');
      expect(error.data).toEqual({ code: ErrorCode.HandshakeFailed });
      expect(
        (await auditRows(server(), 'handshake_failed')).length,
      ).toBeGreaterThan(0);
    });
  });

  describe('A15 nothing before the handshake and the login', () => {
    it('A15: chat events from a socket that has not logged in are refused', async () => {
      const anon = await connect();
      const before = await messageCount(server());
      await anon.send(ClientEvent.MessageSend, {
        clientId: 'x',
        text: 'who am I',
      });
      expect(await anon.nextError(ClientEvent.MessageSend)).toMatchObject({
        code: ErrorCode.NotLoggedIn,
      });
      await anon.send(ClientEvent.PrivateMessageSend, {
        clientId: 'y',
        to: 'bob',
        text: 'hi',
      });
      expect(
        await anon.nextError(ClientEvent.PrivateMessageSend),
      ).toMatchObject({ code: ErrorCode.NotLoggedIn });
      expect(await messageCount(server())).toBe(before);
    });

    it('A15: plaintext events are refused as undecryptable', async () => {
      const anon = await connect();
      anon.socket.emit(
        ClientEvent.SessionLogin as never,
        { username: 'plain' } as never,
      );
      expect(await anon.nextError()).toMatchObject({
        code: ErrorCode.DecryptFailed,
      });
      expect(anon.all(ServerEvent.SessionJoined)).toHaveLength(0);
    });

    it('A15: unknown events are refused after opening, without breaking the session', async () => {
      const alice = await login('alice');
      await alice.sendRaw('admin:grant', { role: 'admin' });
      expect(await alice.nextError('admin:grant')).toMatchObject({
        code: ErrorCode.UnknownEvent,
      });
      await alice.send(ClientEvent.MessageSend, {
        clientId: 'after',
        text: 'after unknown',
      });
      await alice.next(ServerEvent.MessageCreated);
    });

    it('A15: a second login on a logged-in socket is refused', async () => {
      const alice = await login('alice');
      await alice.requestLogin('alice-two');
      expect(await alice.nextError(ClientEvent.SessionLogin)).toMatchObject({
        code: ErrorCode.AlreadyLoggedIn,
      });
    });
  });

  describe('A16 origin allowlist on both transports', () => {
    function pollingStatus(origin?: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const req = request(
          `${server().url}/socket.io/?EIO=4&transport=polling`,
          { headers: origin ? { Origin: origin } : {} },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    function websocketStatus(origin: string): Promise<number> {
      return new Promise((resolve) => {
        const ws = new WebSocket(
          `ws://127.0.0.1:${server().port}/socket.io/?EIO=4&transport=websocket`,
          {
            headers: { Origin: origin },
          },
        );
        ws.on('unexpected-response', (_req, res) =>
          resolve(res.statusCode ?? 0),
        );
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => undefined);
      });
    }

    it('A16: a foreign Origin gets 403 on polling and on websocket', async () => {
      expect(await pollingStatus('https://evil.example')).toBe(403);
      expect(await websocketStatus('https://evil.example')).toBe(403);
    });

    it('A16: the server’s own origin passes on both transports', async () => {
      expect(await pollingStatus(server().url)).toBe(200);
      expect(await websocketStatus(server().url)).toBe(101);
      expect(await pollingStatus()).toBe(200);
    });

    it('A16: a socket.io client with a foreign Origin cannot connect', async () => {
      const offer = await createClientOffer();
      const error = await connectError(server().url, offer.offer, {
        transports: ['polling'],
        extraHeaders: { Origin: 'https://evil.example' },
      });
      expect(error.message).toMatch(/xhr poll error|403/i);
    });
  });

  describe('A17 username rules and races', () => {
    it.each([
      ['', ErrorCode.UsernameInvalid],
      ['   ', ErrorCode.UsernameInvalid],
      ['x'.repeat(33), ErrorCode.UsernameInvalid],
      ['\u0430lice', ErrorCode.UsernameInvalid],
      ['bob smith', ErrorCode.UsernameInvalid],
      ['admin', ErrorCode.UsernameReserved],
      ['System', ErrorCode.UsernameReserved],
    ])('A17: %j is refused with %s and a reason', async (name, code) => {
      const client = await connect();
      await client.requestLogin(name);
      const error = await client.nextError(ClientEvent.SessionLogin);
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(10);
      expect(
        (await auditRows(server(), 'login_rejected')).length,
      ).toBeGreaterThan(0);
    });

    it('A17: a 10 KB username is refused without echoing it', async () => {
      const client = await connect();
      await client.requestLogin('y'.repeat(10_000));
      const error = await client.nextError(ClientEvent.SessionLogin);
      expect(error.code).toBe(ErrorCode.InvalidPayload);
      expect(error.message.length).toBeLessThan(200);
    });

    it('A17: alice, Alice and a look-alike cannot coexist', async () => {
      await login('alice');
      for (const name of ['Alice', 'ALICE', ' alice ']) {
        const client = await connect();
        await client.requestLogin(name);
        expect((await client.nextError(ClientEvent.SessionLogin)).code).toBe(
          ErrorCode.UsernameTaken,
        );
      }
      await login('bob');
      const lookalike = await connect();
      await lookalike.requestLogin('b0b');
      expect((await lookalike.nextError(ClientEvent.SessionLogin)).code).toBe(
        ErrorCode.UsernameTaken,
      );
    });

    it.each([
      ['admin\uFE00', ErrorCode.UsernameInvalid, 'invisible'],
      ['alice\u034F', ErrorCode.UsernameInvalid, 'invisible'],
      ['bob\u180B', ErrorCode.UsernameInvalid, 'invisible'],
      ['\u0251dmin', ErrorCode.UsernameInvalid, 'imitate'],
      ['\u1D00dmin', ErrorCode.UsernameInvalid, 'imitate'],
      ['b\u043Eb', ErrorCode.UsernameInvalid, 'mix alphabets'],
      ['bob\u10D0', ErrorCode.UsernameInvalid, 'mix alphabets'],
      [
        '\u0455\u0443\u0455\u0442\u0435\u043c',
        ErrorCode.UsernameReserved,
        'reserved',
      ],
    ])('A44: %j is refused (%s: %s)', async (name, code, reason) => {
      const client = await connect();
      await client.requestLogin(name);
      const error = await client.nextError(ClientEvent.SessionLogin);
      expect(error.code).toBe(code);
      expect(error.message).toContain(reason);
    });

    it('A44: an all-Cyrillic look-alike of a name in use collides with it (UTS #39 skeleton)', async () => {
      await login('cocoa');
      const client = await connect();
      // с, о, с, о, а: all Cyrillic, one script, the same skeleton as "cocoa"
      await client.requestLogin('\u0441\u043e\u0441\u043e\u0430');
      expect((await client.nextError(ClientEvent.SessionLogin)).code).toBe(
        ErrorCode.UsernameTaken,
      );
    });

    it.each([
      ['bob' + '\u0301'.repeat(29), ErrorCode.UsernameInvalid, 'marks'],
      ['bo\u0301\u0301b', ErrorCode.UsernameInvalid, 'marks'],
      ['admi\u1E45', ErrorCode.UsernameReserved, 'reserved'],
      ['\u00E1dmin', ErrorCode.UsernameReserved, 'reserved'],
    ])('A79: %j is refused (%s: %s)', async (name, code, reason) => {
      const client = await connect();
      await client.requestLogin(name);
      const error = await client.nextError(ClientEvent.SessionLogin);
      expect(error.code).toBe(code);
      expect(error.message).toContain(reason);
      expect(client.all(ServerEvent.SessionJoined)).toHaveLength(0);
    });

    it('A79: a name in use plus a mark collides with it', async () => {
      await login('bob');
      for (const name of ['bob\u0301', 'bo\u0308b', 'B\u0307ob']) {
        const client = await connect();
        await client.requestLogin(name);
        expect((await client.nextError(ClientEvent.SessionLogin)).code).toBe(
          ErrorCode.UsernameTaken,
        );
      }
    });

    it('A17: ten sockets claiming one name at once: exactly one wins', async () => {
      const contenders = await Promise.all(
        Array.from({ length: 10 }, () => connect()),
      );
      await Promise.all(
        contenders.map((c, i) => c.requestLogin(i % 2 ? 'Zed' : 'zed')),
      );
      // every contender is answered, one way or the other
      for (const c of contenders)
        await c.until(
          () =>
            c.all(ServerEvent.SessionJoined).length +
              c.all(ServerEvent.Exception).length >
            0,
          'an answer',
          10_000,
        );
      const winners = contenders.filter(
        (c) => c.all(ServerEvent.SessionJoined).length === 1,
      );
      const losers = contenders
        .flatMap((c) => c.all(ServerEvent.Exception))
        .filter((e) => e.code === ErrorCode.UsernameTaken);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(9);
    });
  });

  it('A18: a forged sender field is refused; the sender always comes from the session', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await alice.sendRaw(ClientEvent.MessageSend, {
      clientId: 'f',
      text: 'I am bob',
      from: 'bob',
    });
    expect(await alice.nextError(ClientEvent.MessageSend)).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'from',
    });
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'g',
      text: 'honest',
    });
    expect((await bob.next(ServerEvent.MessageCreated)).from).toBe('alice');
  });

  describe('A19 no way back in for a user who left or was removed', () => {
    it('A19: a logged-out user cannot resume with the old token, even at once', async () => {
      const alice = await login('alice');
      const token = alice.resumeToken!;
      await alice.send(ClientEvent.SessionLogout, {});
      const again = await connect();
      await again.send(ClientEvent.SessionResume, { token });
      expect(await again.nextError(ClientEvent.SessionResume)).toMatchObject({
        code: ErrorCode.ResumeFailed,
      });
      await again.send(ClientEvent.MessageSend, { clientId: 'x', text: 'hi' });
      expect(await again.nextError(ClientEvent.MessageSend)).toMatchObject({
        code: ErrorCode.NotLoggedIn,
      });
    });

    it('A19: a kicked user cannot resume, and a dropped connection never restores a session by itself', async () => {
      const mallory = await login('mallory');
      const token = mallory.resumeToken!;
      const response = await fetch(
        `${server().url}/api/admin/users/mallory/kick`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      );
      expect(response.status).toBe(200);
      await mallory.until(() => !mallory.socket.connected, 'kicked');
      const again = await connect();
      await again.send(ClientEvent.SessionResume, { token });
      expect(await again.nextError(ClientEvent.SessionResume)).toMatchObject({
        code: ErrorCode.ResumeFailed,
      });

      // no connection-state recovery: a reconnected socket is anonymous until it resumes
      const bob = await login('bob');
      const ready = bob.readyCount;
      bob.socket.io.engine.close();
      await bob.until(() => bob.readyCount > ready, 'reconnected');
      await bob.send(ClientEvent.MessageSend, { clientId: 'y', text: 'hi' });
      expect(await bob.nextError(ClientEvent.MessageSend)).toMatchObject({
        code: ErrorCode.NotLoggedIn,
      });
    });
  });

  describe('L33 oversized frames', () => {
    it.each([['websocket'], ['polling']])(
      'L33: a frame over maxHttpBufferSize closes only that %s socket',
      async (transport) => {
        const bystander = await login('bystander');
        const big = await room.connect({
          transports: [transport],
          reconnection: false,
        });
        const closed = new Promise<string>((resolve) =>
          big.socket.once('disconnect', resolve),
        );
        big.socket.emit(
          ClientEvent.MessageSend as never,
          {
            v: 1,
            seq: 0,
            box: randomBytes(Limits.maxFrameBytes + 1024),
          } as never,
        );
        await expect(closed).resolves.toMatch(
          /transport (close|error)|ping timeout/,
        );
        expect(bystander.socket.connected).toBe(true);
        await expectRoomStillWorks();
      },
    );

    /** Sends one raw HTTP request; resolves with the status, or `closed` if the socket was cut. */
    function raw(
      path: string,
      options: {
        method?: string;
        headers?: Record<string, string>;
        body?: Buffer;
      } = {},
    ): Promise<number | 'closed'> {
      return new Promise((resolve) => {
        const req = request(
          `${server().url}${path}`,
          { method: options.method ?? 'GET', headers: options.headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', () => resolve('closed'));
        req.end(options.body);
      });
    }

    async function pollingSid(): Promise<string> {
      const response = await fetch(
        `${server().url}/socket.io/?EIO=4&transport=polling`,
      );
      const text = await response.text();
      return (JSON.parse(text.slice(1)) as { sid: string }).sid;
    }

    it('L33: crafted HTTP requests to /socket.io/ (CVE-2022-41940, CVE-2023-31125) and invalid binary POSTs (CVE-2026-59725) get 400 or a close; the process stays up', async () => {
      const bystander = await login('watcher');
      const sid = await pollingSid();
      const answers = [
        await raw('/socket.io/?EIO=4&transport=polling&sid=not-a-session'),
        await raw('/socket.io/?EIO=999&transport=polling'),
        await raw('/socket.io/?EIO=4&transport=carrier-pigeon'),
        await raw('/socket.io/?EIO=4&transport=websocket'),
        await raw('/socket.io/?EIO=4&transport=websocket', {
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': '%%%not base64%%%',
          },
        }),
        await raw(`/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream' },
          body: Buffer.from([0xff, 0x00, 0x04, 0x9c, 0x1e, 0x00]),
        }),
        await raw(`/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
          body: Buffer.from('4' + 'x'.repeat(Limits.maxFrameBytes * 2)),
        }),
        await raw('/socket.io/?EIO=4&transport=polling', {
          method: 'POST',
          body: Buffer.from('40{"__proto__":{"x":1}}'),
        }),
      ];
      for (const answer of answers) {
        if (answer !== 'closed') expect([400, 403, 413]).toContain(answer);
      }
      expect((await fetch(`${server().url}/api/health`)).status).toBe(200);
      expect(bystander.socket.connected).toBe(true);
      await expectRoomStillWorks();
    });
  });
});
