import { generateKeyPairSync } from 'node:crypto';

import {
  DecryptFailedError,
  type SessionReadyPayload,
  completeClientHandshake,
  createClientOffer,
  envelopeNonce,
} from '@app/shared';

import { CryptoService, HandshakeRejectedError } from './crypto.service';

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
