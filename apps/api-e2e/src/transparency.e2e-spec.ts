import {
  type Binding,
  type ConsistencyProofPayload,
  ErrorCode,
  type InclusionProofPayload,
  type LogEntriesPayload,
  PSS_SALT_BYTES,
  type TreeHeadPayload,
  bindingLeaf,
  bufferSource,
  fromBase64,
  leafHash,
  parseBindingLeaf,
  toBase64,
  treeHash,
  treeHeadSignedBy,
  verifyConsistency,
  verifyInclusion,
} from '@app/shared';
import {
  CryptoService,
  KeyLogService,
  typedNameKey,
  verifyKeyLog,
} from '@app/api';

import { type TestServer, runScript, startServer } from './support/test-server';

const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('key transparency log (public REST)', () => {
  let server: TestServer;
  let log: KeyLogService;
  let serverKey: CryptoKey;

  beforeAll(async () => {
    server = await startServer();
    log = server.app.get(KeyLogService);
    const spki = server.app
      .get(CryptoService)
      .publicKey.export({ type: 'spki', format: 'der' });
    serverKey = await crypto.subtle.importKey(
      'spki',
      bufferSource(spki),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    expect(PSS_SALT_BYTES).toBe(32);
  });
  afterAll(() => server.close());

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${server.url}/api/transparency/${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }
  const bind = (name: string, key: string, kind: Binding['kind'] = 'bind') =>
    log.append(
      { kind, name, key, at: new Date().toISOString() },
      typedNameKey(name),
    );

  /** The root of the first `size` leaves, rebuilt from the public entries alone. */
  async function rebuiltRoot(size: number): Promise<Uint8Array> {
    const { body } = await get<LogEntriesPayload>(
      `entries?start=0&end=${size}`,
    );
    expect(body.entries).toHaveLength(size);
    return treeHash(
      await Promise.all(body.entries.map((e) => leafHash(fromBase64(e)))),
    );
  }

  it('serves signed heads, inclusion and consistency proofs that a client checks against the entries alone', async () => {
    // an empty log has a signed head too
    const empty = await get<TreeHeadPayload>('head');
    expect(empty.status).toBe(200);
    expect(empty.body.size).toBe(0);
    // exactly the signed fields: no database id or anything else leaks into the public head
    expect(Object.keys(empty.body).sort()).toEqual([
      'rootHash',
      'signature',
      'size',
      'timestamp',
    ]);
    expect(await treeHeadSignedBy(empty.body, serverKey)).toBe(true);

    expect(await bind('alice', 'a2V5LWFsaWNlLTE=')).toBe(0);
    await bind('bob', 'a2V5LWJvYi0x');
    await bind('carol', 'a2V5LWNhcm9s');
    const three = (await get<TreeHeadPayload>('head')).body;
    await bind('alice', 'a2V5LWFsaWNlLTI=');
    await bind('bob', '', 'release');
    const { body: head } = await get<TreeHeadPayload>('head');
    expect(head.size).toBe(5);
    expect(await treeHeadSignedBy(head, serverKey)).toBe(true);
    // a head whose fields were changed no longer verifies
    expect(await treeHeadSignedBy({ ...head, size: 4 }, serverKey)).toBe(false);
    expect(hex(await rebuiltRoot(5))).toBe(head.rootHash);

    // alice's latest binding, proven in the latest tree and in the older one of three leaves
    const latest = (await get<InclusionProofPayload>('proof?name=alice')).body;
    expect(latest).toMatchObject({ index: 3, size: 5 });
    expect(parseBindingLeaf(fromBase64(latest.leaf))).toMatchObject({
      kind: 'bind',
      name: 'alice',
      key: 'a2V5LWFsaWNlLTI=',
    });
    expect(
      await verifyInclusion(
        latest.index,
        latest.size,
        await leafHash(fromBase64(latest.leaf)),
        latest.path.map(fromHex),
        fromHex(head.rootHash),
      ),
    ).toBe(true);
    const older = (await get<InclusionProofPayload>('proof?name=alice&size=3'))
      .body;
    expect(older).toMatchObject({ index: 0, size: 3 });
    expect(
      await verifyInclusion(
        0,
        3,
        await leafHash(fromBase64(older.leaf)),
        older.path.map(fromHex),
        fromHex(three.rootHash),
      ),
    ).toBe(true);
    // bob's latest leaf says his name is free again
    const bob = (await get<InclusionProofPayload>('proof?name=bob')).body;
    expect(parseBindingLeaf(fromBase64(bob.leaf))).toMatchObject({
      kind: 'release',
      key: '',
    });

    // the head a browser kept (size 3) is a prefix of the latest
    const step = (await get<ConsistencyProofPayload>('consistency?from=3&to=5'))
      .body;
    expect(step).toMatchObject({ from: 3, to: 5 });
    expect(
      await verifyConsistency(
        3,
        5,
        fromHex(three.rootHash),
        fromHex(head.rootHash),
        step.path.map(fromHex),
      ),
    ).toBe(true);

    // the log grows: a new head, signed, consistent with the last
    await bind('dave', 'a2V5LWRhdmU=');
    const { body: next } = await get<TreeHeadPayload>('head');
    expect(next.size).toBe(6);
    expect(next.rootHash).not.toBe(head.rootHash);
    expect(await treeHeadSignedBy(next, serverKey)).toBe(true);
    const grown = (
      await get<ConsistencyProofPayload>('consistency?from=5&to=6')
    ).body;
    expect(
      await verifyConsistency(
        5,
        6,
        fromHex(head.rootHash),
        fromHex(next.rootHash),
        grown.path.map(fromHex),
      ),
    ).toBe(true);
    // pages of entries
    expect(
      (await get<LogEntriesPayload>('entries?start=4&end=100')).body.entries,
    ).toHaveLength(2);
  });

  it('npm run kt:verify rebuilds the tree from the database and checks every head the server signed; a rewritten leaf is caught', async () => {
    const keys = server.app.get(CryptoService).checkpointKeys;
    const intact = await verifyKeyLog(server.db.manager, keys);
    // the heads handed out above: sizes 0, 3, 5 and 6
    expect(intact).toMatchObject({
      intact: true,
      leaves: 6,
      headsChecked: 4,
      problems: [],
    });
    const { database, keysDir } = server.config;
    const run = () =>
      runScript('kt:verify', {
        DATABASE_URL: `sqlite:${database.type === 'sqlite' ? database.path : ''}`,
        KEYS_DIR: keysDir,
      });
    const clean = await run();
    expect(clean.stdout).toContain('Checked 6 leaves and 4 signed heads.');
    expect(clean.status).toBe(0);

    // the log rewrites bob's first binding: every head from size 2 on no longer fits
    await server.db.query(
      'UPDATE key_log_leaves SET leaf = ? WHERE "index" = 1',
      [
        toBase64(
          bindingLeaf({
            kind: 'bind',
            name: 'bob',
            key: 'bWFsbG9yeQ==',
            at: new Date().toISOString(),
          }),
        ),
      ],
    );
    const broken = await verifyKeyLog(server.db.manager, keys);
    expect(broken.intact).toBe(false);
    expect(broken.problems).toEqual([
      expect.stringMatching(/^head of size 3 .*not the root/),
      expect.stringMatching(/^head of size 5 .*not the root/),
      expect.stringMatching(/^head of size 6 .*not the root/),
    ]);
    const caught = await run();
    expect(caught.status).toBe(1);
    expect(caught.stdout).toContain('PROBLEM: head of size 3');
  });

  it('refuses what does not make sense with a clear error, and says when there is nothing', async () => {
    const cases: [string, number, string][] = [
      ['proof', 400, ErrorCode.InvalidPayload],
      ['proof?name=alice&size=0', 400, ErrorCode.InvalidPayload],
      ['proof?name=alice&size=abc', 400, ErrorCode.InvalidPayload],
      ['proof?name=alice&size=9999', 404, ErrorCode.NotFound],
      ['proof?name=nobody', 404, ErrorCode.NotFound],
      ['consistency?from=4&to=2', 400, ErrorCode.InvalidPayload],
      ['consistency?from=1', 400, ErrorCode.InvalidPayload],
      ['entries?start=3&end=1', 400, ErrorCode.InvalidPayload],
      ['entries?start=-1&end=1', 400, ErrorCode.InvalidPayload],
    ];
    for (const [path, status, code] of cases) {
      const response = await get<{ code: string; message: string }>(path);
      expect({
        path,
        status: response.status,
        code: response.body.code,
      }).toEqual({ path, status, code });
      expect(response.body.message.length).toBeGreaterThan(0);
    }
  });
});

describe('key transparency log: requests per address (L70)', () => {
  const LIMIT = 12;
  let server: TestServer;

  beforeAll(async () => {
    // loopback is the proxy: X-Forwarded-For names each test client's address
    server = await startServer({
      RATE_KEY_LOG_PER_MINUTE: String(LIMIT),
      TRUSTED_PROXIES: 'loopback',
    });
    const log = server.app.get(KeyLogService);
    for (let i = 0; i < 40; i++)
      await log.append(
        {
          kind: 'bind',
          name: `user${i}`,
          key: toBase64(Uint8Array.of(i)),
          at: new Date().toISOString(),
        },
        typedNameKey(`user${i}`),
      );
  });
  afterAll(() => server.close());

  async function get<T>(
    address: string,
    path: string,
  ): Promise<{ status: number; body: T; retryAfter: string | null }> {
    const response = await fetch(`${server.url}/api/transparency/${path}`, {
      headers: { 'X-Forwarded-For': address },
    });
    return {
      status: response.status,
      body: (await response.json()) as T,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  it('L70: one address past RATE_KEY_LOG_PER_MINUTE gets 429 with a reason; its proofs before were correct, and other addresses are still served', async () => {
    const greedy = '198.51.100.7';
    const head = await get<TreeHeadPayload>(greedy, 'head');
    expect(head).toMatchObject({ status: 200, body: { size: 40 } });
    const root = fromHex(head.body.rootHash);
    // the rest of the minute's requests: proofs against the head and its older sizes, all valid
    for (let i = 1; i < LIMIT; i++) {
      if (i % 2 === 1) {
        const name = `user${(i * 7) % 40}`;
        const { status, body } = await get<InclusionProofPayload>(
          greedy,
          `proof?name=${name}`,
        );
        expect(status).toBe(200);
        expect(
          await verifyInclusion(
            body.index,
            body.size,
            await leafHash(fromBase64(body.leaf)),
            body.path.map(fromHex),
            root,
          ),
        ).toBe(true);
      } else {
        const from = i * 3;
        const { status, body } = await get<ConsistencyProofPayload>(
          greedy,
          `consistency?from=${from}&to=40`,
        );
        expect(status).toBe(200);
        const entries = (
          await get<LogEntriesPayload>(
            '203.0.113.99',
            `entries?start=0&end=${from}`,
          )
        ).body.entries;
        const fromRoot = await treeHash(
          await Promise.all(entries.map((e) => leafHash(fromBase64(e)))),
        );
        expect(
          await verifyConsistency(
            from,
            40,
            fromRoot,
            root,
            body.path.map(fromHex),
          ),
        ).toBe(true);
      }
    }
    // one more, of any kind, is refused: a JSON reason, and when to come back
    for (const path of [
      'proof?name=user1',
      'consistency?from=1&to=40',
      'head',
      'entries?start=0&end=1',
    ]) {
      const refused = await get<{ code: string; message: string }>(
        greedy,
        path,
      );
      expect(refused).toMatchObject({
        status: 429,
        body: { code: ErrorCode.RateLimited },
        retryAfter: '60',
      });
      expect(refused.body.message).toMatch(/too many key-log requests/i);
    }
    // the limit is the address's, not everyone's
    const other = await get<InclusionProofPayload>(
      '198.51.100.8',
      'proof?name=user3',
    );
    expect(other).toMatchObject({ status: 200, body: { index: 3, size: 40 } });
  });
});
