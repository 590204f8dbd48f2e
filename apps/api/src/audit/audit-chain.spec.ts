import { generateKeyPairSync } from 'node:crypto';

import { type AuditCheckpointPayload, checkpointSignedBy } from '@app/shared';

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
) => verifyChain(stream(rows), checkpoints, [{ key: keys.publicKey }]);

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
          [{ key: keys.publicKey }, { key: old.publicKey }],
        )
      ).intact,
    ).toBe(true);
    expect(
      (await verifyChain(stream(rows), [checkpoint], [{ key: keys.publicKey }]))
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

  it('M53: a retired key is trusted only for checkpoints dated before its retirement, and no checkpoint predates its row', async () => {
    const rows = buildChain(10);
    const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signedAt = (at: string, lastId = 5) => {
      const base = { lastId, hash: rows[lastId - 1].hash, count: lastId, at };
      return {
        id: 1,
        ...base,
        signature: signCheckpoint(base, old.privateKey),
      };
    };
    const trusted = [
      { key: keys.publicKey },
      { key: old.publicKey, retiredAt: '2026-01-01T02:00:00.000Z' },
    ];
    const check = async (checkpoint: AuditCheckpointPayload) =>
      (await verifyChain(stream(rows), [checkpoint], trusted))
        .checkpointProblems[0]?.problem;
    expect(await check(signedAt('2026-01-01T01:00:00.000Z'))).toBeUndefined();
    // made with the retired (perhaps stolen) key after its retirement
    expect(await check(signedAt('2026-01-01T03:00:00.000Z'))).toBe(
      'bad_signature',
    );
    // backdated to slip under the retirement time: earlier than the row it covers
    expect(await check(signedAt('2025-12-31T00:00:00.000Z'))).toBe('backdated');
  });

  it('rows older than twice the checkpoint interval with no checkpoint over them are a break', async () => {
    const rows = buildChain(10);
    const coverage = {
      maxAgeMs: 120_000,
      now: Date.parse('2026-01-01T00:05:00.000Z'),
    };
    // no checkpoint at all (deleted): every old row stands unwitnessed
    const bare = await verifyChain(stream(rows), [], [], coverage);
    expect(bare.intact).toBe(false);
    expect(bare.checkpointProblems).toEqual([
      expect.objectContaining({ problem: 'uncovered' }),
    ]);
    expect(bare.checkpointProblems[0].message).toContain('rows #1 to #10');
    // a checkpoint over all of them: intact
    const covered = await verifyChain(
      stream(rows),
      [checkpointAt(rows, 10)],
      [{ key: keys.publicKey }],
      coverage,
    );
    expect(covered.intact).toBe(true);
    // fresh rows need no checkpoint yet
    const fresh = await verifyChain(stream(rows), [], [], {
      maxAgeMs: 120_000,
      now: Date.parse('2026-01-01T00:01:00.000Z'),
    });
    expect(fresh.intact).toBe(true);
  });

  it('the browser verifies what the server signs: one shared encoding, RSA-PSS on both sides', async () => {
    const rows = buildChain(3);
    const checkpoint = checkpointAt(rows, 3);
    const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    const serverKey = await crypto.subtle.importKey(
      'spki',
      new Uint8Array(spki),
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    expect(await checkpointSignedBy(checkpoint, serverKey)).toBe(true);
    expect(
      await checkpointSignedBy({ ...checkpoint, count: 4 }, serverKey),
    ).toBe(false);
  });
});
