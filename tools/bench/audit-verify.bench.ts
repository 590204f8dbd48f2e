/**
 * `npm run bench:audit-verify [-- --rows 1000000]`: builds a chained audit log of N rows in a
 * temporary SQLite file (through the real migrations), then times the same streaming
 * verification the API and `npm run audit:verify` run. Prints figures; asserts nothing.
 */
import 'reflect-metadata';

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { DataSource } from 'typeorm';

import {
  GENESIS_HASH,
  chainHash,
  signCheckpoint,
  verifyChain,
} from '../../apps/api/src/audit/audit-chain';
import { readCheckpoints } from '../../apps/api/src/audit/audit-checkpoints.repository';
import { readChain } from '../../apps/api/src/audit/audit.repository';
import { dataSourceOptions } from '../../apps/api/src/database/data-source';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' } },
  });
  const total = Number(values.rows);
  const dir = mkdtempSync(join(tmpdir(), 'fuv-bench-audit-'));
  const db = new DataSource(
    dataSourceOptions({
      type: 'sqlite',
      path: join(dir, 'bench.sqlite'),
      busyTimeoutMs: 250,
    }),
  );
  await db.initialize();
  const keys = generateKeyPairSync('rsa', { modulusLength: 3072 });
  try {
    let started = Date.now();
    let prev = GENESIS_HASH;
    const batch = 5000;
    for (let first = 1; first <= total; first += batch) {
      const rows = [];
      for (let id = first; id < Math.min(first + batch, total + 1); id++) {
        const row = {
          id,
          at: new Date(1_764_000_000_000 + id * 10).toISOString(),
          type: id % 3 === 0 ? 'message_private' : 'message_public',
          actor: `user${id % 500}`,
          target: id % 3 === 0 ? `user${(id + 7) % 500}` : null,
          detail: JSON.stringify(
            id % 3 === 0
              ? { id: `p-${id}`, length: 42 }
              : {
                  id,
                  text: `message number ${id} with some ordinary chat text`,
                },
          ),
        };
        prev = chainHash(prev, row);
        rows.push({ ...row, hash: prev });
      }
      await db
        .createQueryBuilder()
        .insert()
        .into('audit_events')
        .values(rows)
        .execute();
      if (first % 100_000 === 1 || first + batch > total) {
        const checkpoint = {
          lastId: rows[rows.length - 1].id,
          hash: prev,
          count: rows[rows.length - 1].id,
          at: new Date().toISOString(),
        };
        await db
          .createQueryBuilder()
          .insert()
          .into('audit_checkpoints')
          .values({
            ...checkpoint,
            signature: signCheckpoint(checkpoint, keys.privateKey),
          })
          .execute();
      }
    }
    console.log(
      `built ${total.toLocaleString('en')} chained rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const rssBefore = process.memoryUsage().rss;
    started = Date.now();
    const report = await verifyChain(
      readChain(db.manager),
      await readCheckpoints(db.manager),
      [{ key: keys.publicKey }],
    );
    const seconds = (Date.now() - started) / 1000;
    const rss = process.memoryUsage().rss;
    console.log(
      `verified ${report.rowsChecked.toLocaleString('en')} rows and ${report.checkpointsChecked} checkpoints in ${seconds.toFixed(2)} s ` +
        `(${Math.round(report.rowsChecked / seconds).toLocaleString('en')} rows/s), intact=${report.intact}, ` +
        `RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rss / 2 ** 20)} MiB`,
    );
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
