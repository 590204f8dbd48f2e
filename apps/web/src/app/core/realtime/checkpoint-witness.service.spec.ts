import { TestBed } from '@angular/core/testing';
import { type AuditCheckpointPayload, ServerEvent } from '@app/shared';
import { Subject, filter, map } from 'rxjs';

import { CheckpointWitnessService } from './checkpoint-witness.service';
import { SocketService } from './socket.service';

describe('CheckpointWitnessService', () => {
  const events = new Subject<{ event: string; payload: unknown }>();
  const fakeSocket = {
    on: (event: string) =>
      events.pipe(
        filter((e) => e.event === event),
        map((e) => e.payload),
      ),
  };
  const checkpoint = (lastId: number): AuditCheckpointPayload => ({
    id: lastId,
    lastId,
    hash: 'a'.repeat(64),
    count: lastId,
    at: '2026-01-01T00:00:00.000Z',
    signature: 'c2ln',
  });

  it('keeps the newest checkpoint the server sent, never an older one', () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [{ provide: SocketService, useValue: fakeSocket }],
    });
    const witness = TestBed.inject(CheckpointWitnessService);
    witness.start();
    expect(witness.latest()).toBeUndefined();
    events.next({
      event: ServerEvent.AuditCheckpoint,
      payload: checkpoint(100),
    });
    events.next({
      event: ServerEvent.AuditCheckpoint,
      payload: checkpoint(50),
    });
    expect(witness.latest()?.lastId).toBe(100);
    events.next({
      event: ServerEvent.AuditCheckpoint,
      payload: checkpoint(200),
    });
    expect(witness.latest()).toEqual(checkpoint(200));
  });
});
