import { generateKeyPairSync, sign } from 'node:crypto';

import {
  DELEGATION_MAX_MS,
  DecryptFailedError,
  type SessionReadyPayload,
  completeClientHandshake,
  createClientOffer,
  delegationBytes,
  envelopeNonce,
  fromBase64,
  handshakeTranscript,
} from '@app/shared';

import { CryptoService, HandshakeRejectedError } from './crypto.service';
import { pss } from './server-signature';

// one small key for speed: the derivation and signature checks do not depend on its size
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const service = new CryptoService(keys);
const trustAll = () => true;

describe('CryptoService handshake (node:crypto server, Web Crypto client)', () => {
  it('derives the same two keys on both sides: each direction opens what the other sealed', async () => {
    const offer = await createClientOffer();
    const { ready, channel: server } = await service.acceptOffer(offer.offer);
    const { channel: client, fingerprint } = await completeClientHandshake(
      offer,
      ready,
      trustAll,
    );
    expect(fingerprint).toBe(service.fingerprint);

    const up = await client.seal('message:send', { text: 'to server' });
    expect(server.open('message:send', up)).toEqual({ text: 'to server' });
    const down = server.seal('message:created', { text: 'to client' });
    await expect(client.open('message:created', down)).resolves.toEqual({
      text: 'to client',
    });
  });

  it('gives every connection a fresh ephemeral key and different session keys', async () => {
    const offer = await createClientOffer();
    const first = await service.acceptOffer(offer.offer);
    const second = await service.acceptOffer(offer.offer);
    expect(first.ready.ephemeral).not.toBe(second.ready.ephemeral);
    const sealed = first.channel.seal('x', { n: 1 });
    const { channel: other } = await completeClientHandshake(
      offer,
      second.ready,
      trustAll,
    );
    await expect(other.open('x', sealed)).rejects.toBeInstanceOf(
      DecryptFailedError,
    );
  });

  it('C12: the client refuses a signature by another key, or a key it does not trust', async () => {
    const offer = await createClientOffer();
    const { ready } = await service.acceptOffer(offer.offer);
    const impostor = new CryptoService(
      generateKeyPairSync('rsa', { modulusLength: 2048 }),
    );
    const swapped: SessionReadyPayload = {
      ...ready,
      serverKey: impostor.publicKey
        .export({ type: 'spki', format: 'der' })
        .toString('base64'),
    };
    await expect(
      completeClientHandshake(offer, swapped, trustAll),
    ).rejects.toMatchObject({ reason: 'bad_signature' });

    const otherEphemeral: SessionReadyPayload = {
      ...ready,
      ephemeral: (await service.acceptOffer(offer.offer)).ready.ephemeral,
    };
    await expect(
      completeClientHandshake(offer, otherEphemeral, trustAll),
    ).rejects.toMatchObject({ reason: 'bad_signature' });

    await expect(
      completeClientHandshake(
        offer,
        ready,
        (fp) => fp === impostor.fingerprint,
      ),
    ).rejects.toMatchObject({
      reason: 'untrusted_key',
    });
    await expect(
      completeClientHandshake(offer, { ...ready, suite: 'none' }, trustAll),
    ).rejects.toMatchObject({
      reason: 'bad_answer',
    });
  });

  it('C12: the client refuses a delegation the server key did not sign, one out of date, or a transcript its key did not sign', async () => {
    const offer = await createClientOffer();
    const { ready } = await service.acceptOffer(offer.offer);
    const serverSpki = fromBase64(ready.serverKey);
    const ephemeral = fromBase64(ready.ephemeral);
    /** A session:ready whose delegation and transcript signatures are made here. */
    const forge = (notAfter: number, delegator = keys.privateKey) => {
      const delegated = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = delegated.publicKey.export({ type: 'spki', format: 'der' });
      const transcript = handshakeTranscript(
        offer.publicKey,
        ephemeral,
        serverSpki,
        spki,
      );
      return {
        ...ready,
        delegation: {
          key: spki.toString('base64'),
          notAfter,
          signature: sign(
            'sha256',
            delegationBytes(serverSpki, spki, notAfter),
            pss(delegator),
          ).toString('base64'),
        },
        signature: sign('sha256', transcript, {
          key: delegated.privateKey,
          dsaEncoding: 'ieee-p1363',
        }).toString('base64'),
      } satisfies SessionReadyPayload;
    };
    const soon = Date.now() + 60_000;
    // the forgery kit works: signed by the server's key and in date, it is accepted
    await expect(
      completeClientHandshake(offer, forge(soon), trustAll),
    ).resolves.toMatchObject({ fingerprint: service.fingerprint });

    const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const bad of [
      forge(soon, impostor.privateKey),
      forge(Date.now() - 1),
      forge(Date.now() + DELEGATION_MAX_MS + 60_000),
      // the server's real delegation, but a transcript signed by another key
      { ...ready, signature: forge(soon).signature },
      // a delegation's word changed after it was signed
      { ...ready, delegation: { ...ready.delegation, notAfter: soon } },
    ]) {
      await expect(
        completeClientHandshake(offer, bad, trustAll),
      ).rejects.toMatchObject({ reason: 'bad_signature' });
    }
    await expect(
      completeClientHandshake(
        offer,
        { ...ready, delegation: { ...ready.delegation, notAfter: 1.5 } },
        trustAll,
      ),
    ).rejects.toMatchObject({ reason: 'bad_answer' });
  });

  it('signs an hour of handshakes with one delegated key, then with a new one', async () => {
    const now = jest.spyOn(Date, 'now');
    try {
      const fresh = new CryptoService(keys);
      const started = Date.now();
      now.mockReturnValue(started);
      const handshake = async () => {
        const offer = await createClientOffer();
        const { ready } = await fresh.acceptOffer(offer.offer);
        now.mockReturnValue(Date.now()); // the client checks validity by its own clock
        await completeClientHandshake(offer, ready, trustAll);
        return ready.delegation;
      };
      const first = await handshake();
      expect((await handshake()).key).toBe(first.key);
      expect(first.notAfter).toBe(started + 24 * 60 * 60 * 1000);
      now.mockReturnValue(started + 60 * 60 * 1000 + 1);
      // the new key is being signed: this handshake still uses the old one, the next the new
      expect((await handshake()).key).toBe(first.key);
      let renewed = first;
      for (let i = 0; i < 100 && renewed.key === first.key; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        renewed = await handshake();
      }
      expect(renewed.key).not.toBe(first.key);
      expect(renewed.notAfter).toBeGreaterThan(first.notAfter);
    } finally {
      now.mockRestore();
    }
  });

  it('C11: refuses malformed offers with one error type', async () => {
    for (const bad of [
      null,
      'x',
      {},
      { v: 1 },
      { v: 1, suite: 'none', pub: 'AA==' },
    ]) {
      await expect(service.acceptOffer(bad)).rejects.toThrow(
        HandshakeRejectedError,
      );
    }
  });
});

describe('the server channel’s nonce discipline (C10)', () => {
  it('never repeats a nonce over 1,000,000 envelopes in one direction', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 1_000_000; seq++) {
      seen.add(Buffer.from(envelopeNonce('s2c', seq)).toString('base64'));
    }
    expect(seen.size).toBe(1_000_000);
  });

  it('takes a new sequence number for every seal', async () => {
    const offer = await createClientOffer();
    const { channel } = await service.acceptOffer(offer.offer);
    const seqs = Array.from({ length: 1000 }, () => channel.seal('x', {}).seq);
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
