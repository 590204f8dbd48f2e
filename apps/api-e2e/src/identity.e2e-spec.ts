import {
  ClientEvent,
  ErrorCode,
  type InclusionProofPayload,
  type TreeHeadPayload,
  ServerEvent,
  createIdentityKey,
  fromBase64,
  leafHash,
  parseBindingLeaf,
  proveIdentity,
  safetyNumber,
  toBase64,
  verifyInclusion,
} from '@app/shared';
import type { IdentityKey } from '@app/shared';

import { useChatRoom } from './support/chat-room';
import { ADMIN_TOKEN, auditRows, waitUntilEmpty } from './support/test-server';

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/** E60: a name belongs to the identity key that first logged in with it. */
describe('names owned by identity keys (real app, real SQLite, real clients)', () => {
  const room = useChatRoom();
  const server = () => room.server;
  let aliceBrowser: IdentityKey;
  let otherBrowser: IdentityKey;

  beforeAll(async () => {
    aliceBrowser = await createIdentityKey();
    otherBrowser = await createIdentityKey();
  });

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${server().url}/api/transparency/${path}`);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** The name's latest leaf, proven against the latest signed head. */
  async function provenBinding(name: string) {
    const head = await get<TreeHeadPayload>('head');
    const proof = await get<InclusionProofPayload>(
      `proof?name=${encodeURIComponent(name)}`,
    );
    expect(proof.size).toBe(head.size);
    const leaf = fromBase64(proof.leaf);
    expect(
      await verifyInclusion(
        proof.index,
        proof.size,
        await leafHash(leaf),
        proof.path.map(fromHex),
        fromHex(head.rootHash),
      ),
    ).toBe(true);
    return { index: proof.index, ...parseBindingLeaf(leaf)! };
  }

  const release = (name: string, token: string | null = ADMIN_TOKEN) =>
    fetch(
      `${server().url}/api/admin/users/${encodeURIComponent(name)}/release`,
      {
        method: 'POST',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
    );

  it('binds a name to the first key, refuses it to another browser and lets the owner back', async () => {
    const alice = await room.login('alice', { identity: aliceBrowser });
    expect(await provenBinding('alice')).toMatchObject({
      kind: 'bind',
      name: 'alice',
      key: toBase64(aliceBrowser.spki),
    });
    await alice.send(ClientEvent.SessionLogout, {});
    await waitUntilEmpty(server());

    // another browser, offline owner: the name is not free, and the user is told why
    for (const name of ['alice', 'ALICE', ' Alice ']) {
      const thief = await room.connect({ identity: otherBrowser });
      await thief.requestLogin(name);
      const refusal = await thief.nextError(ClientEvent.SessionLogin);
      expect(refusal).toMatchObject({ code: ErrorCode.NameOwned });
      expect(refusal.message).toContain("another browser's identity key");
      expect(thief.all(ServerEvent.SessionJoined)).toHaveLength(0);
    }
    const rejected = await auditRows(server(), 'login_rejected');
    expect(rejected.at(-1)?.detail).toContain('name_owned');

    // the owner's browser comes back under another spelling: the bound one is kept
    const back = await room.connect({ identity: aliceBrowser });
    await back.requestLogin('ALICE');
    expect(await back.next(ServerEvent.SessionJoined)).toMatchObject({
      username: 'alice',
    });
    // one binding only: logging in again logs nothing new
    expect((await provenBinding('alice')).index).toBe(
      (await provenBinding('alice')).index,
    );
  });

  it('refuses a proof made for another connection, a key that did not sign, a malformed one, or none', async () => {
    /** The same encoding with the point's last byte changed: no longer on P-256. */
    const offCurve = (spki: Uint8Array) =>
      Uint8Array.from(spki, (b, i) => (i === spki.length - 1 ? b ^ 1 : b));
    // signed by the key, but over a transcript that is not the connection's it arrives on
    const proof = await proveIdentity(
      aliceBrowser,
      new Uint8Array(32),
      'mallory',
    );
    const cases: [string, unknown][] = [
      ['a transcript of another connection', proof],
      [
        'a key that did not sign',
        { ...proof, key: toBase64(otherBrowser.spki) },
      ],
      ['a truncated key', { ...proof, key: toBase64(new Uint8Array(90)) }],
      [
        'a point off the curve',
        { ...proof, key: toBase64(offCurve(aliceBrowser.spki)) },
      ],
      [
        'a signature of the wrong length',
        { ...proof, signature: toBase64(new Uint8Array(63)) },
      ],
    ];
    for (const [, identity] of cases) {
      const client = await room.connect();
      await client.sendRaw(ClientEvent.SessionLogin, {
        username: 'mallory',
        identity,
      });
      expect(await client.nextError(ClientEvent.SessionLogin)).toMatchObject({
        code: ErrorCode.IdentityInvalid,
        field: 'identity',
      });
    }
    // and a login without any proof is a bad payload
    const bare = await room.connect();
    await bare.sendRaw(ClientEvent.SessionLogin, { username: 'mallory' });
    expect(await bare.nextError(ClientEvent.SessionLogin)).toMatchObject({
      code: ErrorCode.InvalidPayload,
      field: 'identity',
    });
    expect(
      await fetch(`${server().url}/api/transparency/proof?name=mallory`).then(
        (r) => r.status,
      ),
    ).toBe(404);
  });

  it('frees a name unused for the reservation period: the log shows the release and the new key', async () => {
    const old = await room.login('dormant', { identity: aliceBrowser });
    old.close();
    await waitUntilEmpty(server());
    // the owner has not been seen for 31 days (NAME_RESERVATION_DAYS defaults to 30)
    const monthAgo = Date.now() - 31 * 24 * 60 * 60 * 1000;
    await server().db.query(
      'UPDATE name_bindings SET last_used_at = ? WHERE username = ?',
      [monthAgo, 'dormant'],
    );
    const before = await provenBinding('dormant');
    const newcomer = await room.login('dormant', { identity: otherBrowser });
    expect(newcomer.username).toBe('dormant');
    const after = await provenBinding('dormant');
    expect(after).toMatchObject({
      kind: 'bind',
      key: toBase64(otherBrowser.spki),
    });
    // between the two bindings, a release of the old one
    const entries = (
      await get<{ entries: string[] }>(
        `entries?start=${before.index + 1}&end=${after.index}`,
      )
    ).entries.map((e) => parseBindingLeaf(fromBase64(e)));
    expect(entries).toContainEqual(
      expect.objectContaining({ kind: 'release', name: 'dormant' }),
    );
    const released = await auditRows(server(), 'name_released');
    expect(released.at(-1)).toMatchObject({ target: 'dormant' });
    expect(released.at(-1)?.detail).toContain('expired');
  });

  it('an admin release signs the holder out, is audited and logged, and the next browser binds the name', async () => {
    const bob = await room.login('bob', { identity: aliceBrowser });
    const carol = await room.login('carol');
    expect((await release('bob', null)).status).toBe(401);
    const response = await release('Bob');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ released: 'bob' });
    expect(await bob.nextError()).toMatchObject({
      code: ErrorCode.Kicked,
      message: expect.stringContaining('released your name'),
    });
    expect(
      await carol.next(ServerEvent.UserLeft, (e) => e.username === 'bob'),
    ).toMatchObject({ reason: 'kicked' });
    expect(await provenBinding('bob')).toMatchObject({
      kind: 'release',
      key: '',
    });
    expect(await auditRows(server(), 'name_released')).toContainEqual(
      expect.objectContaining({ target: 'bob' }),
    );
    // no kick ban: another browser may take the name at once, and that is a new key in the log
    const next = await room.login('bob', { identity: otherBrowser });
    expect(next.username).toBe('bob');
    expect(await provenBinding('bob')).toMatchObject({
      kind: 'bind',
      key: toBase64(otherBrowser.spki),
    });
    expect((await release('nobody-here')).status).toBe(404);
  });

  it('E58: safety numbers from the keys the log proves are the same on both sides, and change with a release', async () => {
    const daveBrowser = await createIdentityKey();
    const erinBrowser = await createIdentityKey();
    await room.login('dave', { identity: daveBrowser });
    await room.login('erin', { identity: erinBrowser });
    /** What each browser computes: its own key, and the other's as the log proves it. */
    const numberAt = async (me: string, mine: IdentityKey, other: string) =>
      safetyNumber(
        { name: me, key: mine.spki },
        {
          name: other,
          key: fromBase64((await provenBinding(other)).key),
        },
      );
    const atDave = await numberAt('dave', daveBrowser, 'erin');
    expect(atDave).toMatch(/^\d{60}$/);
    expect(await numberAt('erin', erinBrowser, 'dave')).toBe(atDave);
    // erin's name released and bound by another browser: dave's number for erin changes
    expect((await release('erin')).status).toBe(200);
    const newErin = await createIdentityKey();
    await room.login('erin', { identity: newErin });
    const changed = await numberAt('dave', daveBrowser, 'erin');
    expect(changed).not.toBe(atDave);
    expect(await numberAt('erin', newErin, 'dave')).toBe(changed);
  });

  it('two browsers claiming one new name at once: exactly one owns it', async () => {
    const browsers = await Promise.all(
      Array.from({ length: 6 }, () => createIdentityKey()),
    );
    const clients = await Promise.all(
      browsers.map((identity) => room.connect({ identity })),
    );
    await Promise.all(clients.map((c) => c.requestLogin('contested')));
    const outcomes = await Promise.all(
      clients.map((c) =>
        Promise.race([
          c.next(ServerEvent.SessionJoined).then(() => 'joined'),
          c.nextError(ClientEvent.SessionLogin).then((e) => e.code),
        ]),
      ),
    );
    expect(outcomes.filter((o) => o === 'joined')).toHaveLength(1);
    const winner = browsers[outcomes.indexOf('joined')];
    expect(await provenBinding('contested')).toMatchObject({
      key: toBase64(winner.spki),
    });
  });
});
