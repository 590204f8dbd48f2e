import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';

import { AppConfigService, loadConfig } from '../config/app-config.service';
import { AdminTokenService } from './admin-token.service';

describe('AdminTokenService: a generated token is shown once, and never kept by a log', () => {
  let dir: string;
  let printed: string[];
  let log: jest.SpyInstance;
  let logged: jest.SpyInstance;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fuv-admin-token-'));
    printed = [];
    log = jest
      .spyOn(console, 'log')
      .mockImplementation((line: string) => void printed.push(line));
    logged = jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
  });
  afterEach(() => {
    log.mockRestore();
    logged.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: NodeJS.ProcessEnv) => {
    const service = new AdminTokenService(
      new AppConfigService(loadConfig({ KEYS_DIR: dir, ...env })),
    );
    await service.onModuleInit();
    return service;
  };

  it('on a terminal: printed once, stored only as its hash', async () => {
    const service = await start({});
    const token = /\n {4}(\S+)\n/.exec(printed.join('\n'))?.[1] ?? '';
    expect(service.matches(token)).toBe(true);
    expect(readFileSync(join(dir, 'admin-token.sha256'), 'utf8')).not.toContain(
      token,
    );
    await start({});
    expect(printed).toHaveLength(1);
  });

  it.each([
    ['standard output goes to the journal', { JOURNAL_STREAM: '8:12345' }],
    ['the log is JSON for a collector', { LOG_FORMAT: 'json' }],
  ])(
    'when %s: not printed, left in a file only the server user can read',
    async (_, env) => {
      const service = await start(env);
      const file = join(dir, 'admin-token.once');
      const token = readFileSync(file, 'utf8').trim();
      expect(service.matches(token)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(printed.join('\n')).not.toContain(token);
      expect(printed.join('\n')).toContain(file);
    },
  );
});
