import { generateKeyPairSync } from 'node:crypto';

import type { AuditCheckpointPayload } from '@app/shared';

import {
  GENESIS_HASH,
  type HashedRow,
  canonicalEncoding,
  chainHash,
  signCheckpoint,
  verifyChain,
} from './audit-chain';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

function buildChain(n: number): HashedRow[] {
  const rows: HashedRow[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const row = {
      id,
      at: `2026-01-01T00:00:${String(id % 60).padStart(2, '0')}.000Z`,
      type: 'message_public',
      actor: `user${id % 3}`,
      target: null,
      detail: JSON.stringify({ n: id }),
    };
    prev = chainHash(prev, row);
    rows.push({ ...row, hash: prev });
  }
  return rows;
}

function checkpointAt(
  rows: HashedRow[],
  lastId: number,
  id = 1,
): AuditCheckpointPayload {
  const base = {
    lastId,
    hash: rows[lastId - 1].hash,
    count: lastId,
    at: '2026-01-01T01:00:00.000Z',
  };
  return { id, ...base, signature: signCheckpoint(base, keys.privateKey) };
}

async function* stream(rows: HashedRow[]): AsyncIterable<HashedRow> {
  yield* rows;
}

const verify = (
  rows: HashedRow[],
  checkpoints: AuditCheckpointPayload[] = [],
) => verifyChain(stream(rows), checkpoints, [keys.publicKey]);

describe('audit hash chain', () => {
  it('encodes a row canonically: same fields, same bytes, fixed order', () => {
    const row = {
      id: 7,
      at: '2026-01-01T00:00:00.000Z',
      type: 't',
      actor: 'a"b',
      target: null,
      detail: '{"x":1}',
    };
    expect(canonicalEncoding(row)).toBe(
      '["fuv-audit/v1",7,"2026-01-01T00:00:00.000Z","t","a\\"b",null,"{\\"x\\":1}"]',
    );
    expect(
      canonicalEncoding({
        detail: row.detail,
        target: null,
        actor: row.actor,
        type: 't',
        at: row.at,
        id: 7,
      }),
    ).toBe(canonicalEncoding(row));
    // a fixed vector: changing the encoding would silently invalidate every stored chain
    expect(chainHash(GENESIS_HASH, row)).toBe(
      'b5fbd13d91e42965d8fea586cfc6fb118cb0d0468e648050d23822c94822c3d3',
    );
    expect(chainHash(GENESIS_HASH, { ...row, actor: 'a"c' })).not.toBe(
      chainHash(GENESIS_HASH, row),
    );
  });

  it('reports an untouched chain intact, with its checkpoints', async () => {
    const rows = buildChain(50);
    const report = await verify(rows, [
      checkpointAt(rows, 20),
      checkpointAt(rows, 50, 2),
    ]);
    expect(report).toMatchObject({
      intact: true,
      rowsChecked: 50,
      verifiedUpTo: 50,
      checkpointsChecked: 2,
      checkpointProblems: [],
    });
    expect(report.firstBreak).toBeUndefined();
  });

  it('pinpoints an edited row', async () => {
    const rows = buildChain(20);
    rows[11] = { ...rows[11], detail: '{"n":999}' };
    expect(await verify(rows)).toMatchObject({
      intact: false,
      verifiedUpTo: 11,
      firstBreak: { id: 12, problem: 'altered' },
    });
  });

  it('pinpoints a deleted row', async () => {
    const rows = buildChain(20);
    rows.splice(6, 1);
    expect(await verify(rows)).toMatchObject({
      intact: false,
      verifiedUpTo: 6,
      firstBreak: { id: 7, problem: 'missing' },
    });
  });

  it('pinpoints an inserted row', async () => {
    const rows = buildChain(20);
    const forged = { ...rows[9], id: 21, detail: '{"forged":true}' };
    rows.push({ ...forged, hash: chainHash(GENESIS_HASH, forged) });
    expect(await verify(rows)).toMatchObject({
      intact: false,
      verifiedUpTo: 20,
      firstBreak: { id: 21, problem: 'altered' },
    });
  });

  it('pinpoints two swapped rows', async () => {
    const rows = buildChain(20);
    const [a, b] = [rows[4], rows[5]];
    rows[4] = { ...b, id: a.id, hash: a.hash };
    rows[5] = { ...a, id: b.id, hash: b.hash };
    expect(await verify(rows)).toMatchObject({
      intact: false,
      firstBreak: { id: 5, problem: 'altered' },
    });
  });

  it('catches a chain rewritten from an edited row onward through the signed checkpoint', async () => {
    const rows = buildChain(30);
    const checkpoint = checkpointAt(rows, 25);
    // the forger edits row 10 and recomputes every later hash: the chain alone looks fine
    rows[9] = { ...rows[9], detail: '{"n":"rewritten"}' };
    let prev = rows[8].hash;
    for (let i = 9; i < rows.length; i++) {
      rows[i] = { ...rows[i], hash: chainHash(prev, rows[i]) };
      prev = rows[i].hash;
    }
    const report = await verify(rows, [checkpoint]);
    expect(report.intact).toBe(false);
    expect(report.checkpointProblems).toEqual([
      expect.objectContaining({ id: 1, problem: 'mismatch' }),
    ]);
  });

  it('accepts checkpoints signed by a retired server key it is told to trust, and no other', async () => {
    const rows = buildChain(10);
    const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const base = {
      lastId: 10,
      hash: rows[9].hash,
      count: 10,
      at: '2026-01-01T01:00:00.000Z',
    };
    const checkpoint = {
      id: 1,
      ...base,
      signature: signCheckpoint(base, old.privateKey),
    };
    expect(
      (
        await verifyChain(
          stream(rows),
          [checkpoint],
          [keys.publicKey, old.publicKey],
        )
      ).intact,
    ).toBe(true);
    expect(
      (await verifyChain(stream(rows), [checkpoint], [keys.publicKey]))
        .checkpointProblems[0].problem,
    ).toBe('bad_signature');
  });

  it('reports a checkpoint with a bad signature, and rows cut off the end', async () => {
    const rows = buildChain(10);
    const forged = {
      ...checkpointAt(rows, 5),
      signature: Buffer.from('not a signature').toString('base64'),
    };
    const beyond = checkpointAt(rows, 10, 2);
    const report = await verify(rows.slice(0, 8), [forged, beyond]);
    expect(report.intact).toBe(false);
    expect(report.checkpointProblems.map((p) => p.problem)).toEqual([
      'bad_signature',
      'rows_missing',
    ]);
  });
});
