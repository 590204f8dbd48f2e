import {
  type ChainReportPayload,
  ClientEvent,
  ErrorCode,
  ServerEvent,
  createIdentityKey,
} from '@app/shared';
import {
  ADMIN_TOKEN,
  ChatClient,
  type FreshDatabase,
  type RunningServer,
  freshDatabase,
  startBuiltServer,
  startTcpProxy,
} from '@app/testing';

/**
 * One server on the machine's PostgreSQL (DATABASE_URL=postgres://…): the same migrations and
 * features as on the embedded SQLite. Several instances: scale-out.cluster-spec.ts.
 */
describe('PostgreSQL by configuration (real PostgreSQL, built server)', () => {
  let db: FreshDatabase;
  let server: RunningServer;
  const clients: ChatClient[] = [];
  const env = () => ({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
  const login = async (name: string, resilient = false) => {
    const client = await ChatClient.login(server.url, name, { resilient });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    server = await startBuiltServer({ env: env() });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await server?.stop();
    server?.remove();
    await db?.drop();
  });

  it('migrates an empty database on start, then serves logins, public and private messages', async () => {
    const migrations = await db.query<{ name: string }>(
      'SELECT name FROM migrations ORDER BY id',
    );
    expect(migrations.map((m) => m.name)).toContain(
      'PreviousResumeToken1764400000000',
    );

    const alice = await login('alice');
    const bob = await login('bob');
    const said = alice.say('hello from postgres');
    await bob.until(
      () => bob.publicMessages().some((m) => m.clientId === said),
      'the public message',
    );
    const whispered = alice.whisper('bob', 'only for bob 5120');
    await bob.next(
      ServerEvent.PrivateMessageCreated,
      (m) => m.clientId === whispered,
    );

    // one name, case- and look-alike-folded, across the database's unique index
    const thief = await ChatClient.connect(server.url);
    clients.push(thief);
    await thief.requestLogin('ALICE');
    expect((await thief.nextError(ClientEvent.SessionLogin)).code).toBe(
      ErrorCode.UsernameTaken,
    );

    const stored = await db.query<{ text: string }>(
      'SELECT text FROM messages',
    );
    expect(stored.map((m) => m.text)).toEqual(['hello from postgres']);
    const audit = await db.query<{ detail: string }>(
      "SELECT detail FROM audit_events WHERE type = 'message_private'",
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('only for bob');
  });

  it('L69: history carries reactions counted and named as on SQLite (the window query)', async () => {
    const alice = await login('reactee');
    const said = alice.say('react to me on postgres');
    await alice.until(
      () => alice.publicMessages().some((m) => m.clientId === said),
      'the message',
    );
    const message = alice.publicMessages().find((m) => m.clientId === said)!;
    const givers = await Promise.all(
      ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'g9', 'g10'].map(
        (name) => login(name),
      ),
    );
    // one after the other: history names the first givers, in the order they gave
    for (const [i, giver] of givers.entries()) {
      await giver.send(ClientEvent.ReactionSend, {
        messageId: message.id,
        emoji: '👍',
        on: true,
      });
      await alice.until(
        () => alice.all(ServerEvent.ReactionUpdated).length > i,
        'the reaction',
      );
    }
    const newcomer = await login('newcomer');
    const seen = await newcomer.next(ServerEvent.MessageHistory, (h) =>
      h.messages.some((m) => m.id === message.id),
    );
    expect(seen.messages.find((m) => m.id === message.id)?.reactions).toEqual([
      {
        emoji: '👍',
        users: ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8'],
        count: 10,
      },
    ]);
  });

  it('instances starting together on an empty database run each migration once', async () => {
    const empty = await freshDatabase();
    try {
      // the keys exist (made by the first server): only the database is new
      const both = await Promise.all(
        [0, 1].map(() =>
          startBuiltServer({
            dir: server.dir,
            env: { ...env(), DATABASE_URL: empty.url },
          }),
        ),
      );
      await Promise.all(both.map((s) => s.stop()));
      const runs = await empty.query<{ name: string }>(
        'SELECT name FROM migrations',
      );
      const names = runs.map((r) => r.name);
      expect(names).toContain('ClusterInstances1764500000000');
      expect(new Set(names).size).toBe(names.length);
    } finally {
      await empty.drop();
    }
  });

  it('R39: PostgreSQL unreachable: "temporarily unavailable", no acknowledgement for what was not stored, then recovery', async () => {
    // a second server reaching the same database through a relay the test takes down
    const relay = await startTcpProxy(Number(new URL(db.url).port || 5432));
    const relayed = new URL(db.url);
    relayed.port = new URL(relay.url).port;
    // the same keys: checkpoints in one database are all signed by the one server key
    const outageServer = await startBuiltServer({
      dir: server.dir,
      env: { ...env(), DATABASE_URL: relayed.toString() },
    });
    try {
      const erin = await ChatClient.login(outageServer.url, 'erin', {
        resilient: true,
        retryScale: 0.2,
      });
      clients.push(erin);
      // her own message comes back only after her catch-up read the database
      const first = erin.say('before the outage');
      await erin.until(
        () => erin.publicMessages().some((m) => m.clientId === first),
        'the first message',
      );
      relay.setDown(true);
      const lost = erin.say('said while the database is away');
      // the pool notices the cut connections, then fails to reconnect: on a loaded machine this
      // took over 5 s once
      const refusal = await erin.nextError(ClientEvent.MessageSend, 20_000);
      expect(refusal.code).toBe(ErrorCode.Unavailable);
      expect(refusal.message).toMatch(/temporarily unavailable/);
      expect(erin.outbox.pending().map((p) => p.payload.clientId)).toContain(
        lost,
      );
      expect(erin.publicMessages().some((m) => m.clientId === lost)).toBe(
        false,
      );

      relay.setDown(false);
      await erin.until(
        () => erin.publicMessages().some((m) => m.clientId === lost),
        'the resend to be stored and acknowledged',
        20_000,
      );
      const stored = await db.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM messages WHERE client_id = $1',
        [lost],
      );
      expect(Number(stored[0].n)).toBe(1);
    } finally {
      await outageServer.stop();
      await relay.close();
    }
  });

  it('keeps names and delivers what was missed across a restart; the audit chain verifies', async () => {
    const alice = await login('carol', true);
    const bob = await login('dave', true);
    alice.say('before the restart');
    await bob.until(
      () => bob.publicMessages().some((m) => m.text === 'before the restart'),
      'one',
    );
    const bobReady = bob.readyCount;

    await server.stop();
    server = await startBuiltServer({
      dir: server.dir,
      port: server.port,
      env: env(),
    });
    await alice.until(
      () => alice.readyCount > 1 && alice.outbox.size === 0,
      'back',
      15_000,
    );
    const sent = [alice.say('after 1'), alice.say('after 2')];
    await bob.until(
      () =>
        bob.readyCount > bobReady &&
        sent.every((id) => bob.publicMessages().some((m) => m.clientId === id)),
      'messages after the restart',
      15_000,
    );
    expect(
      bob.all(ServerEvent.SessionJoined).filter((j) => j.resumed),
    ).not.toHaveLength(0);
    const ids = bob.publicMessages().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const response = await fetch(`${server.url}/api/admin/logs/verify`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as ChainReportPayload;
    expect(report).toMatchObject({ intact: true, checkpointProblems: [] });
    expect(report.checkpointsChecked).toBeGreaterThan(0);
  });

  it('A71: the names one key holds and the new names one address claimed are counted in PostgreSQL, across a restart', async () => {
    const hoarder = await ChatClient.connect(server.url, {
      identity: await createIdentityKey(),
      reconnection: false,
    });
    clients.push(hoarder);
    const answers: (string | undefined)[] = [];
    for (let i = 0; i < 21; i++) {
      // two commands a round, well within the connection's rate (L30)
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await hoarder.tryLogin(`hoard${i}x`);
      answers.push(answer === 'joined' ? answer : answer.code);
      if (answer === 'joined')
        await hoarder.send(ClientEvent.SessionLogout, {});
    }
    // NAMES_PER_KEY_MAX's default
    expect(answers).toEqual([...Array(20).fill('joined'), ErrorCode.NameLimit]);

    // every name so far was claimed from 127.0.0.1: with a budget of one a day, no new name
    hoarder.close();
    await server.stop();
    server = await startBuiltServer({
      dir: server.dir,
      port: server.port,
      env: { ...env(), NAMES_PER_ADDRESS_PER_DAY: '1' },
    });
    const latecomer = await ChatClient.connect(server.url, {
      identity: await createIdentityKey(),
      reconnection: false,
    });
    clients.push(latecomer);
    expect(await latecomer.tryLogin('latecomer')).toMatchObject({
      code: ErrorCode.NewNamesLimited,
    });
    // a name already claimed costs nothing
    clients.push(await login('alice'));
  });
});
