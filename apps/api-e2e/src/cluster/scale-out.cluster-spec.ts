import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  type AdminUserPayload,
  type ChainReportPayload,
  ClientEvent,
  type ConsistencyProofPayload,
  ErrorCode,
  type InclusionProofPayload,
  ServerEvent,
  type TreeHeadPayload,
  createIdentityKey,
  fromBase64,
  fromUtf8,
  leafHash,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '@app/shared';
import { e2eePayload } from '@app/shared/e2ee';
import {
  ADMIN_TOKEN,
  ChatClient,
  type FreshDatabase,
  type RunningServer,
  type TcpProxy,
  eventually,
  foundConversation,
  freshDatabase,
  startBuiltServer,
  startTcpProxy,
} from '@app/testing';

import { Redis } from 'ioredis';

import { download, sha256, upload } from '../support/file-transfer';

const REDIS_PORT = Number(process.env['CLUSTER_REDIS_PORT'] ?? 6379);
const GRACE_MS = 5000;

async function admin<T>(server: RunningServer, path: string, method = 'GET') {
  const response = await fetch(`${server.url}/api/admin/${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function health(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/api/health`);
  return ((await response.json()) as { status: string }).status;
}

/**
 * Two built servers on two loopback ports, one PostgreSQL database and the machine's Redis
 * (instance B reaches Redis through a relay the tests can take down): one chat across both.
 */
describe('Two instances on PostgreSQL and Redis (real services, built servers)', () => {
  let db: FreshDatabase;
  let dir: string;
  let redisRelay: TcpProxy;
  let a: RunningServer;
  let b: RunningServer;
  const clients: ChatClient[] = [];
  /** Everything published on this chat's Redis channels, as Redis sees it. */
  let wiretap: Redis;
  const tapped: Buffer[] = [];
  const prefix = `fuv-test-${randomBytes(4).toString('hex')}`;

  const env = (redisPort: number) => ({
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    REDIS_PREFIX: prefix,
    INSTANCE_HEARTBEAT_MS: '500',
    RESUME_GRACE_MS: String(GRACE_MS),
    // short, so the data of a transfer whose instance died is swept within the test
    FILE_TTL_SECONDS: '10',
    LOG_LEVEL: 'warn',
  });
  const startB = (port?: number) =>
    startBuiltServer({
      dir,
      port,
      env: env(Number(new URL(redisRelay.url).port)),
    });
  const login = async (server: RunningServer, name: string) => {
    const client = await ChatClient.login(server.url, name);
    clients.push(client);
    return client;
  };
  const named = (name: string) => {
    const client = clients.find((c) => c.username === name);
    if (!client) throw new Error(`no client named ${name}`);
    return client;
  };
  const sees = (client: ChatClient, names: string[]) =>
    client.until(
      () => names.every((n) => client.online().includes(n)),
      `${client.username} to see ${names.join(', ')}`,
      10_000,
    );

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'fuv-cluster-'));
    redisRelay = await startTcpProxy(REDIS_PORT);
    wiretap = new Redis(REDIS_PORT, '127.0.0.1');
    await wiretap.psubscribe(`${prefix}#*`);
    wiretap.on('pmessageBuffer', (_pattern, _channel, message: Buffer) =>
      tapped.push(message),
    );
    // one after the other: the first runs the migrations
    a = await startBuiltServer({ dir, env: env(REDIS_PORT) });
    b = await startB();
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await redisRelay?.close();
    wiretap?.disconnect();
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('serves one chat: one user list, unique names, public and private messages, admin and audit', async () => {
    expect(await health(a)).toBe('ok');
    expect(await health(b)).toBe('ok');
    const alice = await login(a, 'alice');
    const bob = await login(b, 'bob');
    const carol = await login(a, 'carol');
    await sees(alice, ['alice', 'bob', 'carol']);
    await sees(bob, ['alice', 'bob', 'carol']);
    // the user list's pages and searches hold the other instance's members too
    await bob.send(ClientEvent.UsersPage, { after: '', filter: 'A' });
    expect(
      (await bob.next(ServerEvent.UsersPage)).users.map((u) => u.username),
    ).toEqual(['alice', 'carol']);

    // one name across the cluster, case- and look-alike-folded
    const thief = await ChatClient.connect(b.url);
    clients.push(thief);
    await thief.requestLogin('ALICE');
    expect((await thief.nextError(ClientEvent.SessionLogin)).code).toBe(
      ErrorCode.UsernameTaken,
    );

    const fromA = alice.say('hello from A');
    const fromB = bob.say('hello from B');
    for (const client of [alice, bob, carol])
      await client.until(
        () =>
          [fromA, fromB].every((id) =>
            client.publicMessages().some((m) => m.clientId === id),
          ),
        `${client.username}: both public messages`,
      );

    const whisper = alice.whisper('bob', 'for bob only 7431');
    const got = await bob.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === whisper,
    );
    expect(got).toMatchObject({ from: 'alice', to: 'bob' });
    await alice.until(() => alice.outbox.size === 0, 'the private ack');
    const back = bob.whisper('carol', 'for carol only');
    await carol.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === back,
    );
    // typing across instances: the room hears alice on the other one, carol alone hears bob
    await alice.send(ClientEvent.Typing, {});
    expect(await bob.next(ServerEvent.UserTyping)).toEqual({
      from: 'alice',
      private: false,
    });
    await carol.next(ServerEvent.UserTyping, (t) => t.from === 'alice');
    await bob.send(ClientEvent.Typing, { to: 'carol' });
    expect(
      await carol.next(ServerEvent.UserTyping, (t) => t.from === 'bob'),
    ).toEqual({ from: 'bob', private: true });

    // nobody else got either: a public message sent after them arrives everywhere first
    const marker = bob.say('marker');
    await carol.until(
      () => carol.publicMessages().some((m) => m.clientId === marker),
      'the marker',
    );
    expect(carol.all(ServerEvent.PrivateMessageCreated)).toHaveLength(1);
    expect(
      alice.all(ServerEvent.PrivateMessageCreated).map((m) => m.to),
    ).toEqual(['bob']);
    expect(alice.all(ServerEvent.UserTyping)).toEqual([]);

    // admin on either instance sees everyone
    for (const server of [a, b]) {
      const { body } = await admin<AdminUserPayload[]>(server, 'users');
      expect(body.map((u) => u.username).sort()).toEqual([
        'alice',
        'bob',
        'carol',
      ]);
    }
    const kicked = await admin(a, 'users/bob/kick', 'POST');
    expect(kicked.status).toBe(200);
    expect((await bob.next(ServerEvent.Exception)).code).toBe(ErrorCode.Kicked);
    await alice.until(() => !alice.online().includes('bob'), 'bob gone');

    // Redis carried the messages between the instances, sealed: no text, no name in clear
    const seen = Buffer.concat(tapped).toString('latin1');
    // (the event names travel in clear: the tap did catch the message and the private request)
    expect(seen).toContain('message');
    expect(seen).toContain('private');
    for (const secret of ['hello from A', 'for bob only 7431', 'carol'])
      expect(seen).not.toContain(secret);

    // two writers, one chain
    const { body: report } = await admin<ChainReportPayload>(b, 'logs/verify');
    expect(report).toMatchObject({ intact: true, checkpointProblems: [] });
    const logins = await db.query<{ actor: string }>(
      "SELECT actor FROM audit_events WHERE type = 'login_accepted' ORDER BY id",
    );
    expect(logins.map((l) => l.actor)).toEqual(['alice', 'bob', 'carol']);
  });

  it('R45: adapter commands and unsealed events someone writes into Redis are ignored', async () => {
    const dora = await login(a, 'dora');
    const ed = await login(b, 'ed');
    const writer = new Redis(REDIS_PORT, '127.0.0.1');
    try {
      // as the streams adapter stores its messages (JSON data), from a uid no instance has
      const forge = (type: number, data: unknown) =>
        writer.xadd(
          prefix,
          '*',
          'uid',
          'forger',
          'nsp',
          '/',
          'type',
          String(type),
          'data',
          JSON.stringify(data),
        );
      const everyone = { rooms: [], except: [] };
      await forge(6, { opts: everyone, close: true }); // DISCONNECT_SOCKETS
      await forge(3, {
        packet: { type: 2, data: ['exception', { code: 'kicked' }], nsp: '/' },
        opts: everyone,
      }); // BROADCAST of a forged event
      await forge(9, { packet: ['kick', { key: 'dora' }] }); // an unsealed cluster event
      await eventually(
        async () =>
          a.output().includes('ignored') && b.output().includes('ignored'),
        'both instances logged what they ignored',
      );
      const still = ed.say('still connected');
      await dora.until(
        () => dora.publicMessages().some((m) => m.clientId === still),
        'the message after the forgeries',
      );
      for (const client of [dora, ed]) {
        expect(client.socket.connected).toBe(true);
        expect(client.failures).toEqual([]);
        expect(client.readyCount).toBe(1);
      }
      expect(a.output()).toContain('dropped a cluster event "kick"');
    } finally {
      writer.disconnect();
    }
  });

  it('keeps one unforked audit chain while both instances write at once', async () => {
    const before = await db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM messages',
    );
    const writers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        login(i % 2 === 0 ? a : b, `writer${i}`),
      ),
    );
    const said = writers.flatMap((w) =>
      Array.from({ length: 10 }, (_, n) => w.say(`burst ${n}`)),
    );
    for (const w of writers)
      await w.until(
        () => w.outbox.size === 0,
        'every burst acknowledged',
        20_000,
      );
    const after = await db.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM messages',
    );
    expect(Number(after[0].n) - Number(before[0].n)).toBe(said.length);

    const { body: report } = await admin<ChainReportPayload>(a, 'logs/verify');
    expect(report).toMatchObject({ intact: true, checkpointProblems: [] });
    const ids = await db.query<{ id: string }>(
      'SELECT id FROM audit_events ORDER BY id',
    );
    // no gap, no fork: ids 1..n, each row chained to the one before (verified above)
    expect(ids.map((r) => Number(r.id))).toEqual(
      ids.map((_, index) => index + 1),
    );
    const bursts = await db.query<{ n: string }>(
      "SELECT COUNT(*) AS n FROM audit_events WHERE type = 'message_public' AND actor LIKE 'writer%'",
    );
    expect(Number(bursts[0].n)).toBe(said.length);
    for (const w of writers) w.close();
  });

  it('shares files across instances: offers, answers and downloads from the shared store', async () => {
    const carol = named('carol');
    const ivan = await login(b, 'ivan');
    await sees(carol, ['ivan']);

    // A → B, private: sealed by the sender, its secret end to end; removed when done
    const bytes = randomBytes(150_000);
    const transferId = await upload(carol, bytes, { to: 'ivan' });
    const offer = await ivan.next(
      ServerEvent.FileOffered,
      (o) => o.transferId === transferId,
    );
    expect(offer).toMatchObject({ from: 'carol', to: 'ivan' });
    expect(offer.e2ee?.kind).toBe('file');
    expect((await download(ivan, offer)).equals(bytes)).toBe(true);
    expect(
      await carol.next(
        ServerEvent.FileAnswered,
        (a) => a.transferId === transferId,
      ),
    ).toMatchObject({ by: 'ivan', accepted: true });
    await eventually(
      () => readdirSync(join(dir, 'files')).length === 0,
      'the downloaded file to be removed by its owner',
    );

    // B → everyone: the recipient on A downloads it, then the sender cancels for the rest
    const shared = randomBytes(60_000);
    const publicId = await upload(ivan, shared, { name: 'notes.txt' });
    const publicOffer = await carol.next(
      ServerEvent.FileOffered,
      (o) => o.transferId === publicId,
    );
    expect(sha256(await download(carol, publicOffer))).toBe(sha256(shared));
    await ivan.send(ClientEvent.FileCancel, { transferId: publicId });
    expect(
      await carol.next(ServerEvent.FileEnded, (e) => e.transferId === publicId),
    ).toMatchObject({ reason: 'cancelled' });
  });

  it('E55 across instances: a key package claimed from the other instance founds a conversation; its messages open there', async () => {
    const carol = named('carol');
    const ivan = named('ivan');
    const keys = {
      from: await createIdentityKey(),
      to: await createIdentityKey(),
    };
    // carol on A claims one of ivan's key packages, held by B, and founds the conversation
    const conversation = await foundConversation(carol, ivan, keys);
    expect(conversation.recipient.peer.name).toBe('carol');
    await carol.send(ClientEvent.PrivateMessageSend, {
      clientId: 'across-1',
      to: 'ivan',
      text: '',
      e2ee: e2eePayload(
        'message',
        conversation.id,
        await conversation.sender.seal(utf8('across the cluster 9182')),
      ),
    });
    const sealed = await ivan.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === 'across-1',
    );
    const opened = await conversation.recipient.open(
      fromBase64(sealed.e2ee?.mls ?? ''),
    );
    expect(fromUtf8(opened)).toBe('across the cluster 9182');
    // the claim is audited where it was asked
    const audit = await db.query<{ n: string }>(
      "SELECT COUNT(*) AS n FROM audit_events WHERE type = 'key_package_claimed' AND actor = 'carol'",
    );
    expect(Number(audit[0].n)).toBeGreaterThanOrEqual(1);
  });

  it('L70: both instances serve one key log from their kept trees, each catching up with the leaves the other appended', async () => {
    const transparency = async <T>(server: RunningServer, path: string) => {
      const response = await fetch(`${server.url}/api/transparency/${path}`);
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    };
    const first = await transparency<TreeHeadPayload>(a, 'head');
    // first logins append bindings: two on A, then two on B
    await login(a, 'kt-ann');
    await login(a, 'kt-al');
    const onB = await transparency<TreeHeadPayload>(b, 'head');
    expect(onB.size).toBe(first.size + 2);
    await login(b, 'kt-bea');
    await login(b, 'kt-bo');
    const [headA, headB] = await Promise.all([
      transparency<TreeHeadPayload>(a, 'head'),
      transparency<TreeHeadPayload>(b, 'head'),
    ]);
    expect(headA.size).toBe(first.size + 4);
    expect([headB.size, headB.rootHash]).toEqual([headA.size, headA.rootHash]);
    const root = Uint8Array.from(Buffer.from(headA.rootHash, 'hex'));
    // A proves what B appended, and B proves what A appended in the head B signed before
    for (const [server, name, size, rootHash] of [
      [a, 'kt-bo', headA.size, headA.rootHash],
      [b, 'kt-al', onB.size, onB.rootHash],
    ] as const) {
      const proof = await transparency<InclusionProofPayload>(
        server,
        `proof?name=${name}&size=${size}`,
      );
      expect(
        await verifyInclusion(
          proof.index,
          proof.size,
          await leafHash(fromBase64(proof.leaf)),
          proof.path.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))),
          Uint8Array.from(Buffer.from(rootHash, 'hex')),
        ),
      ).toBe(true);
    }
    // B's older head is a prefix of the latest, as A proves it
    const step = await transparency<ConsistencyProofPayload>(
      a,
      `consistency?from=${onB.size}&to=${headA.size}`,
    );
    expect(
      await verifyConsistency(
        onB.size,
        headA.size,
        Uint8Array.from(Buffer.from(onB.rootHash, 'hex')),
        root,
        step.path.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))),
      ),
    ).toBe(true);
  });

  it('an instance taken for dead by mistake (a late heartbeat) takes its users back', async () => {
    const alice = named('alice');
    const ivan = named('ivan');
    const [{ instance_id: aId }] = await db.query<{ instance_id: string }>(
      "SELECT instance_id FROM sessions WHERE username = 'alice'",
    );
    // what the other instance does to one whose heartbeat stopped
    await db.query('DELETE FROM instances WHERE id = $1', [aId]);
    await db.query(
      'UPDATE sessions SET instance_id = NULL, held_until = $2 WHERE instance_id = $1',
      [aId, Date.now() + GRACE_MS],
    );
    await eventually(async () => {
      const rows = await db.query<{ instance_id: string; held_until: unknown }>(
        "SELECT instance_id, held_until FROM sessions WHERE username = 'alice'",
      );
      return rows[0]?.instance_id === aId && rows[0]?.held_until === null;
    }, 'alice’s claim back with her instance');
    // the other instance may have seen her leave meanwhile: within a heartbeat or two it lists
    // her again, and a private message from there reaches her
    await eventually(
      async () => {
        const whisper = ivan.whisper('alice', 'still here?');
        return alice
          .next(
            ServerEvent.PrivateMessageCreated,
            (m) => m.clientId === whisper,
            1500,
          )
          .then(() => true)
          .catch(() => false);
      },
      'a private message from the other instance to reach alice',
      15_000,
    );
    await sees(ivan, ['alice']);
  });

  it('an instance dies: its users leave everyone’s list within the grace period and resume on the other', async () => {
    const alice = named('alice');
    const dave = await login(b, 'dave');
    await login(b, 'erin');
    await sees(alice, ['dave', 'erin']);
    const token = dave.resumeToken as string;
    // an upload half way when the instance dies: its data stays in the shared folder
    await upload(dave, randomBytes(150_000), { stopAfter: 1 });
    expect(readdirSync(join(dir, 'files'))).toHaveLength(1);

    const killedAt = Date.now();
    await b.kill();
    await alice.until(
      () =>
        !alice.online().includes('dave') && !alice.online().includes('erin'),
      'the dead instance’s users to leave',
      GRACE_MS,
    );
    expect(Date.now() - killedAt).toBeLessThan(GRACE_MS);

    // dave's client reconnects to the surviving instance and takes its session back
    const again = await ChatClient.connect(a.url);
    clients.push(again);
    await again.send(ClientEvent.SessionResume, { token });
    const joined = await again.next(ServerEvent.SessionJoined);
    expect(joined).toMatchObject({ username: 'dave', resumed: true });
    await sees(alice, ['dave']);
    const said = again.say('dave is back');
    await alice.until(
      () => alice.publicMessages().some((m) => m.clientId === said),
      'dave’s message',
    );

    // erin did not come back: once the hold ends, the name is free again
    await eventually(
      async () => {
        const rows = await db.query(
          "SELECT 1 FROM sessions WHERE username = 'erin'",
        );
        return rows.length === 0;
      },
      'erin’s claim to be released',
      GRACE_MS + 5000,
    );
    const newErin = await login(a, 'erin');
    expect(newErin.username).toBe('erin');

    // nobody owns that data any more: the survivor sweeps it once it is older than a transfer lives
    await eventually(
      () => readdirSync(join(dir, 'files')).length === 0,
      'the dead instance’s file data to be swept',
      20_000,
    );

    b = await startB(b.port);
  });

  it('Redis unreachable: each instance serves its own users, health says degraded, and it recovers', async () => {
    const alice = named('alice');
    const frank = await login(b, 'frank');
    const gina = await login(b, 'gina');
    await sees(alice, ['frank', 'gina']);

    redisRelay.setDown(true);
    await eventually(async () => (await health(b)) === 'degraded', 'degraded');
    expect(await health(a)).toBe('ok');

    // B's own users still chat; A's message waits in the database for B
    const local = frank.say('while Redis is away');
    await gina.until(
      () => gina.publicMessages().some((m) => m.clientId === local),
      'the local message',
    );
    const meanwhile = alice.say('sent from A during the outage');
    await alice.until(() => alice.outbox.size === 0, 'stored on A');
    const hank = await login(a, 'hank');

    redisRelay.setDown(false);
    await eventually(
      async () => (await health(b)) === 'ok',
      'ok again',
      15_000,
    );
    await frank.until(
      () => frank.publicMessages().some((m) => m.clientId === meanwhile),
      'the message stored during the outage',
      10_000,
    );
    await sees(frank, ['hank']);
    await sees(alice, ['frank', 'gina']);
    const after = hank.say('after the outage');
    await gina.until(
      () => gina.publicMessages().some((m) => m.clientId === after),
      'live fan-out again',
      10_000,
    );
    const ids = frank.publicMessages().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
