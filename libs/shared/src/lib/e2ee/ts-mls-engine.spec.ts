import { utf8, fromUtf8 } from '../crypto/bytes';
import { type IdentityKey, createIdentityKey } from '../identity/identity-key';
import { E2eeError, type PeerIdentity } from './e2ee-engine';
import { tsMlsEngine } from './ts-mls-engine';

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

// real MLS and P-384 in JavaScript: seconds on a busy machine; correctness, not timing
jest.setTimeout(30_000);

describe('end-to-end conversations on ts-mls (real MLS, real Web Crypto)', () => {
  let aliceKey: IdentityKey;
  let bobKey: IdentityKey;
  let eveKey: IdentityKey;
  /** What the key log binds: name → identity key. */
  const log = new Map<string, Uint8Array>();
  const trustLog = async (peer: PeerIdentity) => {
    const bound = log.get(peer.name);
    return bound !== undefined && sameBytes(bound, peer.identityKey);
  };
  const conversationId = (text: string) => utf8(text);

  beforeAll(async () => {
    [aliceKey, bobKey, eveKey] = await Promise.all([
      createIdentityKey(),
      createIdentityKey(),
      createIdentityKey(),
    ]);
    log.set('alice', aliceKey.spki);
    log.set('bob', bobKey.spki);
    log.set('eve', eveKey.spki);
  });

  async function pair() {
    const alice = await tsMlsEngine.device('alice', aliceKey, trustLog);
    const bob = await tsMlsEngine.device('bob', bobKey, trustLog);
    const { conversation: atAlice, welcome } = await alice.start(
      conversationId('alice+bob'),
      await bob.keyPackage(),
      'bob',
    );
    const atBob = await bob.join(welcome, 'alice');
    return { alice, bob, atAlice, atBob };
  }

  it('two devices found a conversation from a key package and a Welcome, and talk both ways', async () => {
    const { atAlice, atBob } = await pair();
    expect(tsMlsEngine.suite).toBe('MLS_256_DHKEMP384_AES256GCM_SHA384_P384');
    expect(atAlice.peer.name).toBe('bob');
    expect(atBob.peer.name).toBe('alice');
    expect(sameBytes(atBob.peer.identityKey, aliceKey.spki)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const sealed = await atAlice.seal(utf8(`hello bob ${i}`));
      // the plaintext is nowhere in what travels
      expect(Buffer.from(sealed).includes(Buffer.from('hello bob'))).toBe(
        false,
      );
      expect(fromUtf8(await atBob.open(sealed))).toBe(`hello bob ${i}`);
    }
    expect(
      fromUtf8(await atAlice.open(await atBob.seal(utf8('hi alice')))),
    ).toBe('hi alice');
  });

  it('seals sent at once are serialised: each opens, none reuses a generation', async () => {
    const { atAlice, atBob } = await pair();
    const sealed = await Promise.all(
      Array.from({ length: 5 }, (_, i) => atAlice.seal(utf8(`burst ${i}`))),
    );
    const opened: string[] = [];
    for (const message of sealed)
      opened.push(fromUtf8(await atBob.open(message)));
    expect(opened).toEqual([0, 1, 2, 3, 4].map((i) => `burst ${i}`));
  });

  it('a message opened after 50 later ones (a file offer waits for its upload) still opens, once: a skipped key is kept until used', async () => {
    const { atAlice, atBob } = await pair();
    const early = await atAlice.seal(utf8('file secret'));
    for (let i = 0; i < 50; i++)
      expect(fromUtf8(await atBob.open(await atAlice.seal(utf8(`${i}`))))).toBe(
        `${i}`,
      );
    expect(fromUtf8(await atBob.open(early))).toBe('file secret');
    await expect(atBob.open(early)).rejects.toMatchObject({
      reason: 'bad_message',
    });
  });

  it('E59: a replayed, tampered, truncated or moved message is refused', async () => {
    const first = await pair();
    const second = await pair();
    const sealed = await first.atAlice.seal(utf8('once'));
    expect(fromUtf8(await first.atBob.open(sealed))).toBe('once');
    const refused = async (message: Uint8Array, conversation = first.atBob) =>
      expect(conversation.open(message)).rejects.toMatchObject({
        reason: 'bad_message',
      });
    await refused(sealed); // replay
    const next = await first.atAlice.seal(utf8('twice'));
    const flipped = Uint8Array.from(next);
    flipped[flipped.length - 5] ^= 1;
    await refused(flipped);
    await refused(next.subarray(0, next.length - 10));
    // another pair's conversation (another group id)
    await refused(next, second.atBob);
    // the untouched message still opens where it belongs
    expect(fromUtf8(await first.atBob.open(next))).toBe('twice');
  });

  it('E61: a key package, a Welcome or random bytes are not application messages', async () => {
    const { bob, atBob } = await pair();
    const carol = await tsMlsEngine.device('alice', aliceKey, trustLog);
    const { welcome } = await carol.start(
      conversationId('other'),
      await bob.keyPackage(),
      'bob',
    );
    for (const wrong of [await bob.keyPackage(), welcome, utf8('{"v":1}')])
      await expect(atBob.open(wrong)).rejects.toBeInstanceOf(E2eeError);
    await expect(
      bob.join(await bob.keyPackage(), 'alice'),
    ).rejects.toMatchObject({
      reason: 'bad_message',
    });
  });

  it('E56: a key package whose identity key is not the name’s in the log, or not certified by it, is refused', async () => {
    const alice = await tsMlsEngine.device('alice', aliceKey, trustLog);
    // eve's own key, claiming bob's name: certified, but not the key the log binds to "bob"
    const impostor = await tsMlsEngine.device('bob', eveKey, trustLog);
    await expect(
      alice.start(conversationId('x'), await impostor.keyPackage(), 'bob'),
    ).rejects.toMatchObject({ reason: 'untrusted_peer' });
    // a device whose check refuses everyone (a changed key the user has not accepted)
    const wary = await tsMlsEngine.device('alice', aliceKey, async () => false);
    const bob = await tsMlsEngine.device('bob', bobKey, trustLog);
    await expect(
      wary.start(conversationId('y'), await bob.keyPackage(), 'bob'),
    ).rejects.toMatchObject({ reason: 'untrusted_peer' });
    // and the joiner refuses a founder its check does not accept
    const refusing = await tsMlsEngine.device(
      'bob',
      bobKey,
      async (peer) => peer.name !== 'alice',
    );
    const { welcome } = await alice.start(
      conversationId('z'),
      await refusing.keyPackage(),
      'bob',
    );
    await expect(refusing.join(welcome, 'alice')).rejects.toMatchObject({
      reason: 'untrusted_peer',
    });
  });

  it("E62: another person's genuine key package, handed over as the contact's, is refused; so is a Welcome under another sender", async () => {
    const alice = await tsMlsEngine.device('alice', aliceKey, trustLog);
    // eve's package is hers in every way (her name, the key the log binds to it): not bob's
    const eve = await tsMlsEngine.device('eve', eveKey, trustLog);
    await expect(
      alice.start(conversationId('e'), await eve.keyPackage(), 'bob'),
    ).rejects.toMatchObject({ reason: 'untrusted_peer' });
    // nor a look-alike spelling of the name; a different case is the same name
    await expect(
      alice.start(conversationId('f'), await eve.keyPackage(), 'еve'),
    ).rejects.toMatchObject({ reason: 'untrusted_peer' });
    await expect(
      alice.start(conversationId('g'), await eve.keyPackage(), 'EVE'),
    ).resolves.toBeDefined();
    // bob joins only what the person the server says it is from founded
    const bob = await tsMlsEngine.device('bob', bobKey, trustLog);
    const { welcome } = await eve.start(
      conversationId('h'),
      await bob.keyPackage(),
      'bob',
    );
    await expect(bob.join(welcome, 'alice')).rejects.toMatchObject({
      reason: 'untrusted_peer',
    });
  });

  it('a Welcome for another device is not joined', async () => {
    const alice = await tsMlsEngine.device('alice', aliceKey, trustLog);
    const bob = await tsMlsEngine.device('bob', bobKey, trustLog);
    const bobElsewhere = await tsMlsEngine.device('bob', bobKey, trustLog);
    await bobElsewhere.keyPackage();
    const { welcome } = await alice.start(
      conversationId('w'),
      await bob.keyPackage(),
      'bob',
    );
    await expect(bobElsewhere.join(welcome, 'alice')).rejects.toMatchObject({
      reason: 'bad_message',
    });
    await expect(bob.join(welcome, 'alice')).resolves.toBeDefined();
  });

  it('E73: two founders start conversations with the same last-resort package; the device joins both, once each, and both carry messages', async () => {
    const alice = await tsMlsEngine.device('alice', aliceKey, trustLog);
    const eve = await tsMlsEngine.device('eve', eveKey, trustLog);
    const bob = await tsMlsEngine.device('bob', bobKey, trustLog);
    await bob.keyPackage(); // a single-use one beside it, untouched
    const lastResort = await bob.lastResortPackage();
    const fromAlice = await alice.start(
      conversationId('alice+bob'),
      lastResort,
      'bob',
    );
    const fromEve = await eve.start(
      conversationId('eve+bob'),
      lastResort,
      'bob',
    );
    const withAlice = await bob.join(fromAlice.welcome, 'alice');
    const withEve = await bob.join(fromEve.welcome, 'eve');
    expect(withAlice.peer.name).toBe('alice');
    expect(withEve.peer.name).toBe('eve');
    expect(
      fromUtf8(
        await withAlice.open(await fromAlice.conversation.seal(utf8('hi'))),
      ),
    ).toBe('hi');
    expect(
      fromUtf8(await withEve.open(await fromEve.conversation.seal(utf8('yo')))),
    ).toBe('yo');
    expect(
      fromUtf8(
        await fromAlice.conversation.open(await withAlice.seal(utf8('hello'))),
      ),
    ).toBe('hello');
    // a Welcome replayed does not found the conversation again
    await expect(bob.join(fromAlice.welcome, 'alice')).rejects.toMatchObject({
      reason: 'bad_message',
    });
    // a new last-resort package replaces it: a Welcome for the old one is no longer joined
    await bob.lastResortPackage();
    const late = await alice.start(conversationId('late'), lastResort, 'bob');
    await expect(bob.join(late.welcome, 'alice')).rejects.toMatchObject({
      reason: 'bad_message',
    });
  });

  it('a saved conversation, restored on a new device object (a page load), goes on both ways', async () => {
    const { atAlice, atBob } = await pair();
    expect(fromUtf8(await atBob.open(await atAlice.seal(utf8('before'))))).toBe(
      'before',
    );
    const saved = atBob.save();
    const reloaded = await tsMlsEngine.device('bob', bobKey, trustLog);
    const restored = reloaded.restore(saved, atBob.peer);
    expect(
      fromUtf8(await restored.open(await atAlice.seal(utf8('after')))),
    ).toBe('after');
    expect(
      fromUtf8(await atAlice.open(await restored.seal(utf8('back')))),
    ).toBe('back');
    // what was opened before the save is not opened again from the saved state
    const old = await atAlice.seal(utf8('once'));
    expect(fromUtf8(await restored.open(old))).toBe('once');
    const again = reloaded.restore(restored.save(), atBob.peer);
    await expect(again.open(old)).rejects.toMatchObject({
      reason: 'bad_message',
    });
  });
});
