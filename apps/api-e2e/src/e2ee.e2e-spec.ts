import {
  ClientEvent,
  ErrorCode,
  FileOpener,
  type IdentityKey,
  type KeyLogSource,
  KeyLogWitness,
  Limits,
  ServerEvent,
  bufferSource,
  createIdentityKey,
  fromBase64,
  fromUtf8,
  toBase64,
  utf8,
} from '@app/shared';
import {
  type E2eeDevice,
  type PeerIdentity,
  decodeE2eeContent,
  decodeE2eeFile,
  e2eePayload,
  encodeE2eeFile,
  tsMlsEngine,
} from '@app/shared/e2ee';
import { CryptoService } from '@app/api';
import { type ChatClient, foundConversation } from '@app/testing';

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { useChatRoom } from './support/chat-room';
import {
  receiveChunks,
  sealedOffer,
  sha256,
  upload,
} from './support/file-transfer';
import { auditRows } from './support/test-server';

/**
 * End-to-end private messages through the real server (E55, E56, E59, E61): the browsers' MLS
 * engine in Node, key packages through the server's directory, messages through the private
 * message path, every credential checked against the key log the server publishes.
 */
describe('end-to-end private messages (real app, real MLS, real clients)', () => {
  const room = useChatRoom();
  const server = () => room.server;
  let aliceKey: IdentityKey;
  let bobKey: IdentityKey;

  beforeAll(async () => {
    [aliceKey, bobKey] = await Promise.all([
      createIdentityKey(),
      createIdentityKey(),
    ]);
  });

  /** What a browser checks: the peer's identity key is the one the log proves for the name. */
  async function logCheck(): Promise<(peer: PeerIdentity) => Promise<boolean>> {
    const spki = server()
      .app.get(CryptoService)
      .publicKey.export({ type: 'spki', format: 'der' });
    const serverKey = await crypto.subtle.importKey(
      'spki',
      bufferSource(spki),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const get = async (path: string) =>
      (await fetch(`${server().url}/api/transparency/${path}`)).json();
    const source: KeyLogSource = {
      head: () => get('head'),
      proof: (name, size) =>
        get(`proof?name=${encodeURIComponent(name)}&size=${size}`),
      consistency: (from, to) => get(`consistency?from=${from}&to=${to}`),
    };
    const witness = new KeyLogWitness(source, serverKey);
    return async (peer) => {
      const binding = await witness.lookup(peer.name).catch(() => undefined);
      return (
        binding?.kind === 'bind' && binding.key === toBase64(peer.identityKey)
      );
    };
  }

  async function person(name: string, identity: IdentityKey) {
    const client = await room.login(name, { identity });
    const device = await tsMlsEngine.device(name, identity, await logCheck());
    return { client, device };
  }

  /** Publishes `count` single-use key packages and a last-resort one, which it returns. */
  async function publish(client: ChatClient, device: E2eeDevice, count = 3) {
    const packages: string[] = [];
    for (let i = 0; i < count; i++)
      packages.push(toBase64(await device.keyPackage()));
    const lastResort = toBase64(await device.lastResortPackage());
    await client.send(ClientEvent.KeyPackagesPublish, { packages, lastResort });
    return lastResort;
  }

  /** One claim: the package handed out, or the refusal. */
  async function claim(
    client: ChatClient,
    name: string,
  ): Promise<{ package?: string; refused?: string }> {
    await client.send(ClientEvent.KeyPackageClaim, { name });
    const answered = () =>
      client.received.find(
        (r) =>
          !r.taken &&
          (r.event === ServerEvent.KeyPackage ||
            (r.event === ServerEvent.Exception &&
              (r.payload as { event?: string }).event ===
                ClientEvent.KeyPackageClaim)),
      );
    await client.until(() => answered() !== undefined, `${name}'s package`);
    const answer = answered()!;
    answer.taken = true;
    return answer.event === ServerEvent.KeyPackage
      ? { package: (answer.payload as { package: string }).package }
      : { refused: (answer.payload as { code: string }).code };
  }

  /** `from` founds a conversation with `to` from `keyPackage`; `to` joins it, a message opens. */
  async function converse(
    from: Awaited<ReturnType<typeof person>>,
    to: Awaited<ReturnType<typeof person>>,
    keyPackage: string,
    text: string,
  ) {
    const [fromName, toName] = [from.client.username!, to.client.username!];
    const id = crypto.getRandomValues(new Uint8Array(16));
    const { conversation, welcome } = await from.device.start(
      id,
      fromBase64(keyPackage),
      toName,
    );
    const [w, m] = [crypto.randomUUID(), crypto.randomUUID()];
    await from.client.send(ClientEvent.PrivateMessageSend, {
      clientId: w,
      to: toName,
      text: '',
      e2ee: e2eePayload('welcome', id, welcome),
    });
    await from.client.send(ClientEvent.PrivateMessageSend, {
      clientId: m,
      to: toName,
      text: '',
      e2ee: e2eePayload('message', id, await conversation.seal(utf8(text))),
    });
    const founding = await to.client.next(
      ServerEvent.PrivateMessageCreated,
      (p) => p.clientId === w,
    );
    const joined = await to.device.join(
      fromBase64(founding.e2ee!.mls),
      fromName,
    );
    expect(joined.peer.name).toBe(fromName);
    const sealed = await to.client.next(
      ServerEvent.PrivateMessageCreated,
      (p) => p.clientId === m,
    );
    expect(fromUtf8(await joined.open(fromBase64(sealed.e2ee!.mls)))).toBe(
      text,
    );
  }

  it('E63: a private message in the clear is refused with a reason, and reaches no one', async () => {
    const alice = await room.login('amos');
    const bob = await room.login('bea');
    const audited = (await auditRows(server(), 'message_private')).length;
    for (const payload of [
      { clientId: 'plain-1', to: 'bea', text: 'trust me, I am amos' },
      { clientId: 'plain-2', to: 'bea', text: '' },
    ]) {
      await alice.send(ClientEvent.PrivateMessageSend, payload);
      const error = await alice.nextError(ClientEvent.PrivateMessageSend);
      expect(error).toMatchObject({
        code: ErrorCode.InvalidPayload,
        field: 'e2ee',
        clientId: payload.clientId,
      });
      expect(error.message).toContain('travels end to end');
    }
    // the session goes on: a message after them is delivered, and it is the only one
    const after = alice.say('after the refusals');
    await bob.until(
      () => bob.publicMessages().some((m) => m.clientId === after),
      'the public message',
    );
    expect(bob.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);
    expect(await auditRows(server(), 'message_private')).toHaveLength(audited);
  });

  it('E55: a conversation is founded and used through the server, which relays ciphertext it cannot read', async () => {
    const alice = await person('alice', aliceKey);
    const bob = await person('bob', bobKey);
    await publish(bob.client, bob.device);

    await alice.client.send(ClientEvent.KeyPackageClaim, { name: 'bob' });
    const claimed = await alice.client.next(ServerEvent.KeyPackage);
    expect(claimed.name).toBe('bob');
    const id = crypto.getRandomValues(new Uint8Array(16));
    const { conversation: atAlice, welcome } = await alice.device.start(
      id,
      fromBase64(claimed.package),
      'bob',
    );
    await alice.client.send(ClientEvent.PrivateMessageSend, {
      clientId: 'w-1',
      to: 'bob',
      text: '',
      e2ee: e2eePayload('welcome', id, welcome),
    });
    const secret = 'meet at the old mill at nine';
    await alice.client.send(ClientEvent.PrivateMessageSend, {
      clientId: 'm-1',
      to: 'bob',
      text: '',
      e2ee: e2eePayload('message', id, await atAlice.seal(utf8(secret))),
    });

    const founding = await bob.client.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === 'w-1',
    );
    expect(founding).toMatchObject({ from: 'alice', to: 'bob', text: '' });
    const atBob = await bob.device.join(
      fromBase64(founding.e2ee!.mls),
      founding.from,
    );
    expect(atBob.peer.name).toBe('alice');
    const sealed = await bob.client.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === 'm-1',
    );
    expect(fromUtf8(await atBob.open(fromBase64(sealed.e2ee!.mls)))).toBe(
      secret,
    );
    // the sender's acknowledgement is the relayed message
    expect(
      await alice.client.next(
        ServerEvent.PrivateMessageCreated,
        (m) => m.clientId === 'm-1',
      ),
    ).toMatchObject({ id: sealed.id, e2ee: sealed.e2ee });

    // the server audited who, to whom and how large, never the text
    const rows = await auditRows(server(), 'message_private');
    expect(rows.at(-1)).toMatchObject({ actor: 'alice', target: 'bob' });
    expect(rows.at(-1)?.detail).toContain('"e2ee":"message"');
    const everything = JSON.stringify(await auditRows(server()));
    expect(everything).not.toContain('old mill');
    expect(await auditRows(server(), 'key_package_claimed')).toContainEqual(
      expect.objectContaining({ actor: 'alice', target: 'bob' }),
    );

    // a resend under the same client id: acknowledged again, delivered once
    await alice.client.send(ClientEvent.PrivateMessageSend, {
      clientId: 'm-1',
      to: 'bob',
      text: '',
      e2ee: sealed.e2ee,
    });
    await alice.client.until(
      () =>
        alice.client
          .all(ServerEvent.PrivateMessageCreated)
          .filter((m) => m.clientId === 'm-1').length === 2,
      'second acknowledgement',
    );
    expect(
      bob.client
        .all(ServerEvent.PrivateMessageCreated)
        .filter((m) => m.clientId === 'm-1'),
    ).toHaveLength(1);
    // E59: the same ciphertext again does not open a second time
    await expect(
      atBob.open(fromBase64(sealed.e2ee!.mls)),
    ).rejects.toMatchObject({
      reason: 'bad_message',
    });
    // and bob answers in the same conversation
    await bob.client.send(ClientEvent.PrivateMessageSend, {
      clientId: 'r-1',
      to: 'alice',
      text: '',
      e2ee: e2eePayload('message', id, await atBob.seal(utf8('see you there'))),
    });
    const answer = await alice.client.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === 'r-1',
    );
    expect(fromUtf8(await atAlice.open(fromBase64(answer.e2ee!.mls)))).toBe(
      'see you there',
    );
  });

  it('E55: a private file travels end to end: its secret in an MLS message, only sealed chunks on the server', async () => {
    const alice = { client: await room.login('alice', { identity: aliceKey }) };
    const bob = { client: await room.login('bob', { identity: bobKey }) };
    const conversation = await foundConversation(alice.client, bob.client, {
      from: aliceKey,
      to: bobKey,
    });
    const [id, atAlice, atBob] = [
      conversation.id,
      conversation.sender,
      conversation.recipient,
    ];
    const marker = 'THE-PLANS-IN-PLAINTEXT ';
    const bytes = Buffer.from(marker.repeat(10_000));
    const { offer, sealed } = await sealedOffer(bytes, {
      to: 'bob',
      name: 'plans.txt',
    });
    const e2ee = e2eePayload(
      'file',
      id,
      await atAlice.seal(encodeE2eeFile({ file: sealed.secret })),
    );
    const { transferId } = offer;
    await upload(alice.client, bytes, {
      to: 'bob',
      e2ee,
      transferId,
      stopAfter: 2,
    });
    // waiting on the server: the sender's boxes, nothing readable
    const dir = server().config.files.dir;
    const onDisk = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((path) => path.endsWith('.chunk'))
      .map((path) => readFileSync(join(dir, path)));
    expect(onDisk.length).toBeGreaterThanOrEqual(2);
    for (const chunk of onDisk)
      expect(chunk.toString('latin1')).not.toContain(marker);
    await upload(alice.client, bytes, { to: 'bob', e2ee, transferId });
    const offered = await bob.client.next(
      ServerEvent.FileOffered,
      (o) => o.transferId === transferId,
    );
    expect(offered.file).toBeUndefined();
    const opened = await atBob.open(fromBase64(offered.e2ee!.mls));
    // a file's secret is not a message (E61)
    expect(decodeE2eeContent(opened)).toBeUndefined();
    const secret = decodeE2eeFile(opened)!.file;
    expect(secret).toEqual(sealed.secret);

    await bob.client.send(ClientEvent.FileAnswer, { transferId, accept: true });
    await bob.client.send(ClientEvent.FileFetch, { transferId, from: 0 });
    const boxes = await receiveChunks(bob.client, offered);
    expect(sha256(Buffer.concat(boxes))).toBe(offered.sha256);
    const opener = await FileOpener.for(secret, transferId, boxes.length);
    const content = Buffer.from(await opener.openAll(boxes));
    expect(content.equals(bytes)).toBe(true);
    expect(sha256(content)).toBe(secret.sha256);
    // the server logged sizes, never the name or the key
    const everything = JSON.stringify(await auditRows(server()));
    expect(everything).not.toContain('plans.txt');
    expect(everything).not.toContain(secret.key);
  });

  it('E56: a key package the server swapped for another key is refused by the client', async () => {
    const alice = await person('alice', aliceKey);
    // a key package made by another key under bob's name, as a dishonest server could hand out
    const forger = await tsMlsEngine.device(
      'bob',
      await createIdentityKey(),
      async () => true,
    );
    await expect(
      alice.device.start(new Uint8Array(16), await forger.keyPackage(), 'bob'),
    ).rejects.toMatchObject({ reason: 'untrusted_peer' });
  });

  it('refuses malformed end-to-end payloads and key packages, and says when none is left', async () => {
    const alice = await person('alice', aliceKey);
    const bob = await person('bob', bobKey);
    const cases: [unknown, string][] = [
      [
        {
          clientId: 'x1',
          to: 'bob',
          text: 'plain too',
          e2ee: e2eePayload('message', new Uint8Array(16), new Uint8Array(8)),
        },
        'text',
      ],
      [
        {
          clientId: 'x2',
          to: 'bob',
          text: '',
          e2ee: { v: 2, kind: 'message', conversation: 'AA==', mls: 'AA==' },
        },
        'e2ee.v',
      ],
      [
        {
          clientId: 'x3',
          to: 'bob',
          text: '',
          e2ee: { v: 1, kind: 'commit', conversation: 'AA==', mls: 'AA==' },
        },
        'e2ee.kind',
      ],
      [
        {
          clientId: 'x4',
          to: 'bob',
          text: '',
          e2ee: {
            v: 1,
            kind: 'message',
            conversation: 'AA==',
            mls: 'not base64!',
          },
        },
        'e2ee.mls',
      ],
      [
        {
          clientId: 'x5',
          to: 'bob',
          text: '',
          e2ee: {
            v: 1,
            kind: 'message',
            conversation: 'AA==',
            mls: 'A'.repeat(Limits.e2eeMessageMaxChars + 4),
          },
        },
        'e2ee.mls',
      ],
    ];
    for (const [payload, field] of cases) {
      await alice.client.sendRaw(ClientEvent.PrivateMessageSend, payload);
      expect(
        await alice.client.nextError(ClientEvent.PrivateMessageSend),
      ).toMatchObject({
        code: ErrorCode.InvalidPayload,
        field,
      });
      alice.client.received.splice(0);
    }
    await alice.client.sendRaw(ClientEvent.KeyPackagesPublish, {
      packages: Array.from({ length: Limits.keyPackagesMax + 1 }, () => 'AA=='),
    });
    expect(
      await alice.client.nextError(ClientEvent.KeyPackagesPublish),
    ).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'packages',
    });
    // E73: a last-resort package is checked like each single-use one
    for (const lastResort of [
      'not base64!',
      'A'.repeat(Limits.keyPackageMaxChars + 4),
      7,
    ]) {
      alice.client.received.splice(0);
      await alice.client.sendRaw(ClientEvent.KeyPackagesPublish, {
        packages: [],
        lastResort,
      });
      expect(
        await alice.client.nextError(ClientEvent.KeyPackagesPublish),
      ).toMatchObject({ code: ErrorCode.InvalidPayload, field: 'lastResort' });
    }
    // bob published none: a clear refusal, and for a name nobody uses as well
    for (const name of ['bob', 'nobody']) {
      await alice.client.send(ClientEvent.KeyPackageClaim, { name });
      expect(
        await alice.client.nextError(ClientEvent.KeyPackageClaim),
      ).toMatchObject({
        code: ErrorCode.KeyPackageUnavailable,
      });
      alice.client.received.splice(0);
    }
    // nothing reached bob
    expect(bob.client.all(ServerEvent.PrivateMessageCreated)).toHaveLength(0);
  });

  it('E61: a transport envelope is not an end-to-end message', async () => {
    const alice = await person('alice', aliceKey);
    const bob = await person('bob', bobKey);
    await publish(bob.client, bob.device, 1);
    await alice.client.send(ClientEvent.KeyPackageClaim, { name: 'bob' });
    const claimed = await alice.client.next(ServerEvent.KeyPackage);
    const id = new Uint8Array(16).fill(7);
    const { welcome } = await alice.device.start(
      id,
      fromBase64(claimed.package),
      'bob',
    );
    const atBob = await bob.device.join(welcome, 'alice');
    // the last sealed transport envelope alice sent, as bytes where an MLS message belongs
    const [, envelope] = alice.client.sent.at(-1)!;
    await expect(
      atBob.open(utf8(JSON.stringify(envelope))),
    ).rejects.toMatchObject({ reason: 'bad_message' });
  });

  it("E73: a member claiming someone's key packages over and over gets one single-use package, then the last-resort one; others still start conversations", async () => {
    const [victorKey, malloryKey, trentKey] = await Promise.all([
      createIdentityKey(),
      createIdentityKey(),
      createIdentityKey(),
    ]);
    const victor = await person('victor', victorKey);
    const mallory = await person('mallory', malloryKey);
    const trent = await person('trent', trentKey);
    const lastResort = await publish(victor.client, victor.device, 5);

    const got: string[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await claim(mallory.client, 'victor');
      expect(answer.refused).toBeUndefined();
      got.push(answer.package!);
    }
    expect(got[0]).not.toBe(lastResort);
    expect(got.slice(1)).toEqual(Array(5).fill(lastResort));
    // the server audited that a last-resort one went out, never the package
    const rows = await auditRows(server(), 'key_package_claimed');
    const mallorys = rows.filter((row) => row.actor === 'mallory');
    expect(mallorys).toHaveLength(6);
    expect(mallorys[0].detail).not.toContain('lastResort');
    for (const row of mallorys.slice(1))
      expect(row.detail).toContain('"lastResort":true');
    expect(JSON.stringify(rows)).not.toContain(lastResort);

    // someone else still gets one of victor's packages and starts a conversation
    const forTrent = await claim(trent.client, 'victor');
    expect(forTrent.package).toBeDefined();
    await converse(trent, victor, forTrent.package!, 'first contact');
    // and the last-resort package serves more than one founder
    await converse(mallory, victor, lastResort, 'me too');
  });

  it('E73: past 10 claims a minute a requester is refused with rate_limited, and other requesters are not', async () => {
    const [vicKey, rickKey] = await Promise.all([
      createIdentityKey(),
      createIdentityKey(),
    ]);
    const vic = await person('vic', vicKey);
    const rick = await room.login('rick', { identity: rickKey });
    const rita = await room.login('rita');
    const lastResort = await publish(vic.client, vic.device, 5);
    for (let i = 0; i < 10; i++)
      expect(await claim(rick, 'vic')).toMatchObject({
        package: expect.any(String),
      });
    const audited = (await auditRows(server(), 'key_package_claimed')).length;
    expect(await claim(rick, 'vic')).toEqual({
      refused: ErrorCode.RateLimited,
    });
    const refusal = rick
      .all(ServerEvent.Exception)
      .find((e) => e.code === ErrorCode.RateLimited);
    expect(refusal?.message).toContain('Too many key package claims');
    // nothing was handed out, and the refusal holds for a name that is not online too
    expect(await auditRows(server(), 'key_package_claimed')).toHaveLength(
      audited,
    );
    expect(await claim(rick, 'nobody')).toEqual({
      refused: ErrorCode.RateLimited,
    });
    // another requester is served: a single-use package, as rick took only one
    const forRita = await claim(rita, 'vic');
    expect(forRita.package).toBeDefined();
    expect(forRita.package).not.toBe(lastResort);
  });

  it('E73: the owner is told when few key packages are left, and a client replenishes by itself', async () => {
    const ownerKey = await createIdentityKey();
    // a test client that publishes 3 single-use packages and a last-resort one at its join
    const owner = await room.login('olga', { identity: ownerKey, e2ee: true });
    const requesters = await Promise.all(
      ['r-a', 'r-b', 'r-c', 'r-d'].map((name) => room.login(name)),
    );
    const first = await claimAfterPublish(requesters[0], 'olga');
    expect(first).toBeDefined();
    // 2 single-use ones left: the owner is told
    expect(await owner.next(ServerEvent.KeyPackagesLow)).toEqual({
      remaining: 2,
    });
    // ... and publishes a fresh set by itself (its last-resort one kept)
    await owner.until(
      () =>
        owner.sent.filter(([event]) => event === ClientEvent.KeyPackagesPublish)
          .length >= 2,
      'the replenishment',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answers = [];
    for (const requester of requesters.slice(1))
      answers.push(await claim(requester, 'olga'));
    // three more single-use packages (without the replenishment, the third was the last resort)
    const packages = answers.map((answer) => answer.package);
    expect(new Set(packages).size).toBe(3);
    const rows = await auditRows(server(), 'key_package_claimed');
    expect(
      rows.filter(
        (row) => row.target === 'olga' && row.detail?.includes('lastResort'),
      ),
    ).toHaveLength(0);
  });

  /** A claim retried while the owner's first publication may not be in yet. */
  async function claimAfterPublish(client: ChatClient, name: string) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const answer = await claim(client, name);
      if (answer.package) return answer.package;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  }
});
