import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

import {
  ClientEvent,
  ErrorCode,
  Limits,
  ServerEvent,
  createIdentityKey,
  fromBase64,
} from '@app/shared';
import {
  decodeE2eeReaction,
  e2eePayload,
  encodeE2eeReaction,
} from '@app/shared/e2ee';
import {
  foundConversation,
  nodeCryptoChannels,
  relayedPrivate,
  relayedText,
} from '@app/testing';

import { useChatRoom } from './support/chat-room';
import {
  auditRecorded,
  auditRows,
  lastAuditId,
  messageCount,
  sleep,
} from './support/test-server';

describe('chat over the encrypted session (real app, real SQLite, real socket.io-client)', () => {
  const room = useChatRoom();
  const login = (name: string) => room.login(name);
  const server = () => room.server;

  it('serves /api/health with the key fingerprint every client saw in the handshake', async () => {
    const response = await fetch(`${server().url}/api/health`);
    const body = (await response.json()) as {
      status: string;
      fingerprint: string;
    };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    // security headers: scripts from our origin only, no sniffing, no framing
    const csp = response.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc.trim()).toBe("'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    const client = await login('healthcheck');
    expect(client.fingerprint).toBe(body.fingerprint);
    // the database is readable by the server's user only
    const { database } = server().config;
    expect(
      database.type === 'sqlite' && statSync(database.path).mode & 0o777,
    ).toBe(0o600);
  });

  it('fans a public message out to all three users, timestamped and stored', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const carol = await login('carol');
    const before = await messageCount(server());

    await alice.send(ClientEvent.MessageSend, {
      clientId: 'c-1',
      text: 'hello room',
    });

    for (const client of [alice, bob, carol]) {
      const message = await client.next(
        ServerEvent.MessageCreated,
        (m) => m.text === 'hello room',
      );
      expect(message).toMatchObject({ from: 'alice', clientId: 'c-1' });
      expect(Date.now() - Date.parse(message.at)).toBeLessThan(10_000);
    }
    expect(await messageCount(server())).toBe(before + 1);
  });

  it('a client on node:crypto channels (the load generator’s) speaks the browser’s protocol: sealed both ways, a tampered frame refused', async () => {
    const node = await room.login('nodia', { channels: nodeCryptoChannels });
    const web = await login('webby');
    node.say('from node:crypto');
    await web.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'from node:crypto',
    );
    web.say('from web crypto');
    await node.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'from web crypto',
    );
    node.tamperNext((event, envelope) => {
      const box = Uint8Array.from(envelope.box as Uint8Array);
      box[box.length - 1] ^= 1;
      return [event, { ...envelope, box }];
    });
    node.say('tampered');
    expect(await node.nextError()).toMatchObject({
      code: ErrorCode.DecryptFailed,
    });
  });

  it('delivers a private message to its recipient and sender only, and stores no plaintext', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const carol = await login('carol');

    await alice.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate('p-1', 'BOB', 'psst secret-42'),
    );

    const atBob = await bob.next(ServerEvent.PrivateMessageCreated);
    expect(atBob).toMatchObject({ from: 'alice', to: 'bob', text: '' });
    expect(relayedText(atBob)).toBe('psst secret-42');
    await alice.next(
      ServerEvent.PrivateMessageCreated,
      (m) => relayedText(m) === 'psst secret-42',
    );
    await sleep(300);
    expect(carol.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);

    const [stored] = (await server().db.query(
      "SELECT COUNT(*) AS n FROM messages WHERE text LIKE '%secret-42%'",
    )) as [{ n: number }];
    expect(Number(stored.n)).toBe(0);
    const audit = await auditRows(server(), 'message_private');
    const row = audit.at(-1)!;
    expect(row).toMatchObject({ actor: 'alice', target: 'bob' });
    expect(row.detail).not.toContain('secret-42');
    expect(JSON.parse(row.detail)).toMatchObject({
      e2ee: 'message',
      bytes: atBob.e2ee?.mls.length,
    });
  });

  it('tells the sender when the private recipient is unknown or offline', async () => {
    const alice = await login('alice');
    await alice.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate('p-2', 'nobody', 'hi'),
    );
    const error = await alice.nextError(ClientEvent.PrivateMessageSend);
    expect(error).toMatchObject({
      code: ErrorCode.RecipientUnavailable,
      clientId: 'p-2',
    });
    expect(error.message).toContain('nobody is not online');
  });

  it('sends the last 50 public messages to a user who joins', async () => {
    // faster than the per-socket rate limit: the outbox resends what it is asked to slow down
    const alice = await room.login('alice', {
      resilient: true,
      retryScale: 0.1,
    });
    for (let i = 0; i < 55; i++) alice.say(`history ${i}`);
    await alice.until(() => alice.outbox.size === 0, 'all stored', 10_000);
    const dave = await login('dave');
    const { messages } = await dave.next(ServerEvent.MessageHistory);
    expect(messages).toHaveLength(Limits.historySize);
    const [newest] = (await room.server.db.query(
      'SELECT text FROM messages ORDER BY id DESC LIMIT 1',
    )) as [{ text: string }];
    expect(messages.at(-1)!.text).toBe(newest.text);
    expect(messages.map((m) => m.id)).toEqual(
      [...messages.map((m) => m.id)].sort((a, b) => a - b),
    );
  });

  it('refuses a duplicate username, whatever its case, and keeps the first user', async () => {
    const alice = await login('alice');
    const other = await room.connect();
    await other.requestLogin('ALICE');
    const error = await other.nextError(ClientEvent.SessionLogin);
    expect(error).toMatchObject({
      code: ErrorCode.UsernameTaken,
      field: 'username',
    });
    expect(error.message).toContain('taken');
    // the refused socket may try again with another name
    await other.requestLogin('alice2');
    await other.next(ServerEvent.SessionJoined);
    await alice.next(
      ServerEvent.UserJoined,
      (e) => e.user.username === 'alice2',
    );
  });

  it('shows joins and leaves live: logout and a deliberate disconnect remove the user at once', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await alice.next(ServerEvent.UserJoined, (e) => e.user.username === 'bob');

    await bob.send(ClientEvent.SessionLogout, {});
    await expect(
      alice.next(ServerEvent.UserLeft, (e) => e.username === 'bob'),
    ).resolves.toMatchObject({
      reason: 'logout',
    });

    const carol = await login('carol');
    expect(
      carol.all(ServerEvent.SessionJoined)[0].users.map((u) => u.username),
    ).not.toContain('bob');
    carol.close();
    await expect(
      alice.next(ServerEvent.UserLeft, (e) => e.username === 'carol', 1000),
    ).resolves.toMatchObject({
      reason: 'logout',
    });
  });

  it('holds the name through a dropped connection and gives it back on resume', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const token = bob.resumeToken!;
    const firstFingerprint = bob.fingerprint;

    // drop the transport the way a network failure does; socket.io-client reconnects by itself
    bob.socket.io.engine.close();
    await bob.until(() => bob.readyCount === 2, 'second handshake');
    expect(bob.fingerprint).toBe(firstFingerprint);

    // meanwhile nobody may take the name
    const thief = await room.connect();
    await thief.requestLogin('bob');
    expect((await thief.nextError(ClientEvent.SessionLogin)).code).toBe(
      ErrorCode.UsernameTaken,
    );

    await bob.send(ClientEvent.SessionResume, { token });
    const joined = await bob.next(ServerEvent.SessionJoined, (j) => j.resumed);
    expect(joined.username).toBe('bob');
    expect(joined.resumeToken).not.toBe(token);
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'r-1',
      text: 'still there?',
    });
    await bob.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'still there?',
    );
    expect(
      alice.all(ServerEvent.UserLeft).map((e) => e.username),
    ).not.toContain('bob');
    expect((await auditRows(server(), 'session_resumed')).at(-1)!.actor).toBe(
      'bob',
    );
  });

  it('a resume whose answer was lost can be repeated with the same token; once the new token is used, the old one is refused', async () => {
    const bob = await login('bob');
    const first = bob.resumeToken!;
    const drop = async (handshakes: number) => {
      bob.socket.io.engine.close();
      await bob.until(() => bob.readyCount === handshakes, 'reconnected');
    };
    const resume = async (token: string) => {
      await bob.send(ClientEvent.SessionResume, { token });
      return bob.next(ServerEvent.SessionJoined, (j) => j.resumed);
    };

    // the connection drops before the client could keep the rotated token
    await drop(2);
    await resume(first);
    await drop(3);
    const second = (await resume(first)).resumeToken;

    // the client used the new token: the first one is spent
    await drop(4);
    await resume(second);
    await drop(5);
    await bob.send(ClientEvent.SessionResume, { token: first });
    expect((await bob.nextError(ClientEvent.SessionResume)).code).toBe(
      ErrorCode.ResumeFailed,
    );
  });

  it('releases a dropped name when the grace period ends, and refuses the stale token', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const token = bob.resumeToken!;
    bob.socket.io.reconnection(false);
    bob.socket.io.engine.close();

    const left = await alice.next(
      ServerEvent.UserLeft,
      (e) => e.username === 'bob',
      5000,
    );
    expect(left.reason).toBe('timeout');

    const late = await room.connect();
    await late.send(ClientEvent.SessionResume, { token });
    expect((await late.nextError(ClientEvent.SessionResume)).code).toBe(
      ErrorCode.ResumeFailed,
    );
    await late.requestLogin('bob');
    await late.next(ServerEvent.SessionJoined);
  });

  it('writes every step to the audit log, without secrets', async () => {
    const alice = await login('auditee');
    await alice.send(ClientEvent.MessageSend, {
      clientId: 'a-1',
      text: 'on the record',
    });
    await alice.next(ServerEvent.MessageCreated);
    const before = await lastAuditId(server());
    await alice.send(ClientEvent.SessionLogout, {});
    await auditRecorded(server(), 'user_left', 'auditee', before);

    const rows = await auditRows(server());
    const types = new Set(rows.map((r) => r.type));
    for (const type of [
      'handshake_succeeded',
      'login_accepted',
      'message_public',
      'user_left',
      'disconnect',
    ]) {
      expect(types).toContain(type);
    }
    const publicRow = rows.find(
      (r) =>
        r.type === 'message_public' &&
        // the row proves the text by its digest, and holds no second copy (L76)
        r.detail.includes(
          createHash('sha256').update('on the record').digest('hex'),
        ) &&
        !r.detail.includes('on the record'),
    );
    expect(publicRow?.actor).toBe('auditee');
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(alice.resumeToken!);
    expect(everything).not.toMatch(/PRIVATE KEY/);
  });

  it('typing: a public notice reaches the others in the room, a private one only its recipient, a flood is thinned, bad input is refused', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const carol = await login('carol');
    await alice.until(() => alice.online().length === 3, 'everyone');

    await alice.send(ClientEvent.Typing, {});
    for (const reader of [bob, carol])
      expect(await reader.next(ServerEvent.UserTyping)).toEqual({
        from: 'alice',
        private: false,
      });

    await bob.send(ClientEvent.Typing, { to: 'alice' });
    expect(await alice.next(ServerEvent.UserTyping)).toEqual({
      from: 'bob',
      private: true,
    });
    // a client that repeats itself faster than the protocol's interval: passed on once
    for (let i = 0; i < 5; i++) await carol.send(ClientEvent.Typing, {});
    await alice.next(ServerEvent.UserTyping, (t) => t.from === 'carol');
    await bob.next(ServerEvent.UserTyping, (t) => t.from === 'carol');

    await bob.sendRaw(ClientEvent.Typing, { to: 42 });
    expect((await bob.nextError(ClientEvent.Typing)).code).toBe(
      ErrorCode.InvalidPayload,
    );
    // a marker after everything: what arrived before it is all there is
    await bob.send(ClientEvent.MessageSend, { clientId: 'm1', text: 'done' });
    for (const reader of [alice, bob, carol])
      await reader.next(ServerEvent.MessageCreated, (m) => m.text === 'done');
    expect(alice.all(ServerEvent.UserTyping)).toHaveLength(2);
    expect(bob.all(ServerEvent.UserTyping)).toHaveLength(2);
    // carol never learns that bob wrote to alice, and nobody hears their own typing
    expect(carol.all(ServerEvent.UserTyping)).toEqual([
      { from: 'alice', private: false },
    ]);
  });

  it('typing: right after a message, the next notice passes at once (the throttle is for floods, not for the next message)', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await alice.until(() => alice.online().length === 2, 'both');
    await alice.send(ClientEvent.Typing, {});
    await bob.next(ServerEvent.UserTyping);
    await alice.send(ClientEvent.MessageSend, { clientId: 'm1', text: 'hi' });
    await bob.next(ServerEvent.MessageCreated, (m) => m.text === 'hi');
    // well within the 1.5 s a repeated notice waits: this one starts the next message
    await alice.send(ClientEvent.Typing, {});
    await bob.until(
      () => bob.all(ServerEvent.UserTyping).length === 2,
      'the second notice',
    );
    // the same for a private conversation
    await alice.send(ClientEvent.Typing, { to: 'bob' });
    await alice.send(
      ClientEvent.PrivateMessageSend,
      relayedPrivate('p1', 'bob', 'psst'),
    );
    await bob.next(ServerEvent.PrivateMessageCreated);
    await alice.send(ClientEvent.Typing, { to: 'bob' });
    await bob.until(
      () =>
        bob.all(ServerEvent.UserTyping).filter((t) => t.private).length === 2,
      'the second private notice',
    );
  });

  it('reactions: on a public message stored, sent to all and carried by history; on a private one end to end between the two; bad ones refused', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    const carol = await login('carol');
    await alice.until(() => alice.online().length === 3, 'everyone');
    alice.say('react to me');
    const message = await carol.next(
      ServerEvent.MessageCreated,
      (m) => m.text === 'react to me',
    );
    const react = (who: typeof bob, emoji: string, on: boolean) =>
      who.send(ClientEvent.ReactionSend, {
        messageId: message.id,
        emoji,
        on,
      });
    await react(bob, '👍', true);
    await react(carol, '👍', true);
    await react(carol, '🎉', true);
    await react(bob, '👍', false);
    for (const reader of [alice, bob, carol])
      await reader.until(
        () => reader.all(ServerEvent.ReactionUpdated).length === 4,
        'four reaction updates',
      );
    expect(alice.all(ServerEvent.ReactionUpdated)).toEqual([
      { messageId: message.id, emoji: '👍', from: 'bob', on: true },
      { messageId: message.id, emoji: '👍', from: 'carol', on: true },
      { messageId: message.id, emoji: '🎉', from: 'carol', on: true },
      { messageId: message.id, emoji: '👍', from: 'bob', on: false },
    ]);
    // a newcomer's history carries what is left
    const dave = await login('dave');
    const seen = await dave.next(ServerEvent.MessageHistory, (h) =>
      h.messages.some((m) => m.id === message.id),
    );
    expect(seen.messages.find((m) => m.id === message.id)?.reactions).toEqual([
      { emoji: '👍', users: ['carol'], count: 1 },
      { emoji: '🎉', users: ['carol'], count: 1 },
    ]);

    for (const [payload, code] of [
      [
        { messageId: message.id, emoji: 'ok', on: true },
        ErrorCode.InvalidPayload,
      ],
      [
        { messageId: message.id, emoji: '👍👍', on: true },
        ErrorCode.InvalidPayload,
      ],
      [
        { messageId: message.id + 999, emoji: '👍', on: true },
        ErrorCode.NotFound,
      ],
      [{ messageId: 'x', emoji: '👍', on: true }, ErrorCode.InvalidPayload],
    ] as const) {
      await bob.sendRaw(ClientEvent.ReactionSend, payload);
      expect((await bob.nextError(ClientEvent.ReactionSend)).code).toBe(code);
    }

    // private: a reaction is an end-to-end private message of its own, opened by the two only
    const keys = {
      from: await createIdentityKey(),
      to: await createIdentityKey(),
    };
    const conversation = await foundConversation(bob, alice, keys);
    await bob.send(ClientEvent.PrivateMessageSend, {
      clientId: 'reaction-1',
      to: 'alice',
      text: '',
      e2ee: e2eePayload(
        'message',
        conversation.id,
        await conversation.sender.seal(
          encodeE2eeReaction({ privateId: 'p-1', emoji: '❤️', on: true }),
        ),
      ),
    });
    const relayed = await alice.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === 'reaction-1',
    );
    expect(
      decodeE2eeReaction(
        await conversation.recipient.open(fromBase64(relayed.e2ee?.mls ?? '')),
      ),
    ).toEqual({ privateId: 'p-1', emoji: '❤️', on: true });
    const marker = bob.say('after the private reaction');
    for (const reader of [carol, dave])
      await reader.until(
        () => reader.publicMessages().some((m) => m.clientId === marker),
        'the marker',
      );
    for (const reader of [carol, dave])
      expect(
        reader
          .all(ServerEvent.PrivateMessageCreated)
          .filter((m) => m.clientId === 'reaction-1'),
      ).toEqual([]);
    // the old readable private reaction is gone from the protocol
    await bob.sendRaw('private-reaction:send', {
      privateId: relayed.id,
      to: 'alice',
      emoji: '❤️',
      on: true,
    });
    expect(await bob.nextError('private-reaction:send')).toMatchObject({
      code: ErrorCode.UnknownEvent,
    });
    expect(JSON.stringify(await auditRows(server()))).not.toContain('❤');
  });
});
