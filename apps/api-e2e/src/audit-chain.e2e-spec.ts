import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  AuditEventEntity,
  AuditRepository,
  AuditService,
  dataSourceOptions,
  readChain,
  verifyChain,
} from '@app/api';
import { DataSource } from 'typeorm';

/** Two servers' worth of writers on one real SQLite file, racing: the chain must not fork. */
describe('audit chain under concurrent writers (real SQLite file, two connections)', () => {
  let dir: string;
  const sources: DataSource[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fuv-chain-'));
    for (let i = 0; i < 2; i++) {
      const source = new DataSource(
        dataSourceOptions({
          type: 'sqlite',
          path: join(dir, 'chat.sqlite'),
          busyTimeoutMs: 250,
        }),
      );
      await source.initialize();
      sources.push(source);
    }
  });

  afterAll(async () => {
    for (const source of sources) await source.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one unforked chain when two writers append 300 events each at once', async () => {
    const writers = sources.map(
      (s) =>
        new AuditService(
          new AuditRepository(s.getRepository(AuditEventEntity)),
        ),
    );
    await Promise.all(
      writers.flatMap((writer, w) =>
        Array.from({ length: 300 }, (_, i) =>
          writer.record('message_public', {
            actor: `writer${w}`,
            detail: { i },
          }),
        ),
      ),
    );
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const report = await verifyChain(
      readChain(sources[0].manager),
      [],
      [{ key: keys.publicKey }],
    );
    expect(report).toMatchObject({
      intact: true,
      rowsChecked: 600,
      verifiedUpTo: 600,
    });
  });
});
