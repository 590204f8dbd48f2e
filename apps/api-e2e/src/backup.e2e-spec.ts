import {
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import {
  ClientEvent,
  ErrorCode,
  ServerEvent,
  createIdentityKey,
} from '@app/shared';
import { ChatClient, type RunningServer, startBuiltServer } from '@app/testing';

import { runScript } from './support/test-server';

/** The environment the CLIs read: the server's database and keys folder. */
const envOf = (dir: string) => ({
  DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
  KEYS_DIR: join(dir, 'keys'),
});

const fingerprint = async (server: RunningServer) =>
  (
    (await (await fetch(`${server.url}/api/health`)).json()) as {
      fingerprint: string;
    }
  ).fingerprint;

// two server starts and six CLI runs (each `npm run` compiles with tsx): far over the default
jest.setTimeout(120_000);

describe('backup and restore (the built server, its CLIs)', () => {
  let server: RunningServer | undefined;
  const clients: ChatClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop();
    server?.remove();
    server = undefined;
  });

  it('backs up a running server; wiped and restored, names, history, keys and both logs are as they were', async () => {
    server = await startBuiltServer();
    const dir = server.dir;
    const ann = await ChatClient.login(server.url, 'ann');
    clients.push(ann);
    const said = ann.say('kept across a restore');
    await ann.until(
      () => ann.publicMessages().some((m) => m.clientId === said),
      'the message stored',
    );
    const printed = await fingerprint(server);
    const file = join(dir, '..', `${dir.split('/').pop()}.backup.tar`);
    rmSync(file, { force: true });

    // while it runs
    const backup = await runScript('backup', envOf(dir), [file]);
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/Backed up \d+ files/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // a second backup to the same file is refused: nothing is overwritten
    expect((await runScript('backup', envOf(dir), [file])).status).not.toBe(0);

    for (const client of clients.splice(0)) client.close();
    await server.stop();
    rmSync(join(dir, 'chat.sqlite'), { force: true });
    rmSync(join(dir, 'chat.sqlite-wal'), { force: true });
    rmSync(join(dir, 'chat.sqlite-shm'), { force: true });
    rmSync(join(dir, 'keys'), { recursive: true, force: true });

    const restore = await runScript('restore', envOf(dir), [file]);
    expect(restore.status).toBe(0);
    expect(readdirSync(join(dir, 'keys')).length).toBeGreaterThan(0);
    // never over existing data
    expect((await runScript('restore', envOf(dir), [file])).status).not.toBe(0);

    for (const script of ['audit:verify', 'kt:verify'])
      expect((await runScript(script, envOf(dir))).status).toBe(0);

    server = await startBuiltServer({ dir });
    expect(await fingerprint(server)).toBe(printed);
    // ann's browser comes back with the resume token it holds (the restored session's), and
    // the history is there
    const back = await ChatClient.connect(server.url, { reconnection: false });
    clients.push(back);
    await back.send(ClientEvent.SessionResume, {
      token: ann.resumeToken!,
      lastMessageId: 0,
    });
    await back.next(ServerEvent.SessionJoined);
    await back.until(
      () =>
        back.publicMessages().some((m) => m.text === 'kept across a restore'),
      'the history',
    );
    const other = await ChatClient.connect(server.url, {
      identity: await createIdentityKey(),
      reconnection: false,
    });
    clients.push(other);
    // the name is still ann's: another browser cannot have it
    const refused = await other.tryLogin('ann');
    expect(refused).not.toBe('joined');
    expect([ErrorCode.NameOwned, ErrorCode.UsernameTaken]).toContain(
      refused !== 'joined' && refused.code,
    );
    rmSync(file, { force: true });
  });

  it('refuses a damaged backup and puts nothing in place', async () => {
    server = await startBuiltServer();
    const dir = server.dir;
    const file = join(dir, 'whole.tar');
    expect((await runScript('backup', envOf(dir), [file])).status).toBe(0);
    await server.stop();
    const bytes = require('node:fs').readFileSync(file) as Buffer;
    // flip a byte well inside the database entry (after the manifest's 512-byte blocks)
    bytes[4096] ^= 0xff;
    const damaged = join(dir, 'damaged.tar');
    writeFileSync(damaged, bytes, { mode: 0o600 });
    const target = join(dir, 'elsewhere');
    mkdirSync(target);
    const restore = await runScript('restore', envOf(target), [damaged]);
    expect(restore.status).not.toBe(0);
    expect(readdirSync(target)).toEqual([]);
  });
});
