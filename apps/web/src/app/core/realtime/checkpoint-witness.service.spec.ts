import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  type AuditCheckpointPayload,
  ServerEvent,
  checkpointBytes,
  toBase64,
} from '@app/shared';
import { Subject, filter, map } from 'rxjs';

import { NotifyService } from '../notify/notify.service';
import { CheckpointWitnessService } from './checkpoint-witness.service';
import { SocketService } from './socket.service';

const PSS = { name: 'RSA-PSS', saltLength: 32 } as const;
const rsaPssKeys = () =>
  crypto.subtle.generateKey(
    {
      name: 'RSA-PSS',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    false,
    ['sign', 'verify'],
  );

describe('CheckpointWitnessService', () => {
  const events = new Subject<{ event: string; payload: unknown }>();
  const serverKey = signal<CryptoKey | undefined>(undefined);
  const fakeSocket = {
    serverKey,
    on: (event: string) =>
      events.pipe(
        filter((e) => e.event === event),
        map((e) => e.payload),
      ),
  };
  const errors: string[] = [];
  let keys: CryptoKeyPair;
  let witness: CheckpointWitnessService;

  beforeAll(async () => {
    keys = await rsaPssKeys();
  });

  beforeEach(() => {
    localStorage.clear();
    errors.length = 0;
    serverKey.set(keys.publicKey);
    TestBed.configureTestingModule({
      providers: [
        { provide: SocketService, useValue: fakeSocket },
        {
          provide: NotifyService,
          useValue: { error: (m: string) => errors.push(m) },
        },
      ],
    });
    witness = TestBed.inject(CheckpointWitnessService);
    witness.start();
  });

  /** A checkpoint signed like the server signs it (RSA-PSS-SHA256 over the shared encoding). */
  async function signed(
    lastId: number,
    hash = 'a'.repeat(64),
    signer = keys.privateKey,
  ): Promise<AuditCheckpointPayload> {
    const base = {
      lastId,
      hash,
      count: lastId,
      at: '2026-01-01T00:00:00.000Z',
    };
    const signature = new Uint8Array(
      await crypto.subtle.sign(
        PSS,
        signer,
        new Uint8Array(checkpointBytes(base)),
      ),
    );
    return { id: lastId, ...base, signature: toBase64(signature) };
  }

  const send = async (checkpoint: AuditCheckpointPayload) => {
    events.next({ event: ServerEvent.AuditCheckpoint, payload: checkpoint });
    // verification is asynchronous (Web Crypto)
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 5));
  };

  it('keeps the newest verified checkpoint, never an older one instead', async () => {
    expect(witness.latest()).toBeUndefined();
    await send(await signed(100));
    await send(await signed(50));
    expect(witness.latest()?.lastId).toBe(100);
    const newest = await signed(200);
    await send(newest);
    expect(witness.latest()).toEqual(newest);
    expect(errors).toEqual([]);
  });

  it('refuses a checkpoint whose signature is not the pinned server key’s', async () => {
    const other = await rsaPssKeys();
    await send(await signed(100, 'b'.repeat(64), other.privateKey));
    await send({ ...(await signed(101)), hash: 'c'.repeat(64) });
    expect(witness.latest()).toBeUndefined();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('does not verify');
  });

  it('keeps two checkpoints that sign different heads for one row as evidence, and warns', async () => {
    const first = await signed(100, 'a'.repeat(64));
    const rewritten = await signed(100, 'd'.repeat(64));
    await send(first);
    await send(rewritten);
    expect(witness.latest()).toEqual(first);
    expect(witness.conflicts()).toEqual([[first, rewritten]]);
    expect(errors[0]).toContain('rewritten');
  });
});
