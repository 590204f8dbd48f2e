import { loadConfig } from './app-config.service';

describe('loadConfig: one instance unless REDIS_URL is set', () => {
  it('runs alone on the embedded SQLite by default', () => {
    const config = loadConfig({});
    expect(config.database.type).toBe('sqlite');
    expect(config.cluster).toBeUndefined();
  });

  it('joins a cluster with REDIS_URL on PostgreSQL, with defaults for the rest', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://chat@db/chat',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.cluster).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'fuv-chat',
      heartbeatMs: 2000,
    });
  });

  it('refuses REDIS_URL without PostgreSQL (instances cannot share a SQLite file), and bad values', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /needs DATABASE_URL=postgres/,
    );
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://chat@db/chat',
        REDIS_URL: 'http://example.org',
      }),
    ).toThrow(/REDIS_URL/);
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://chat@db/chat',
        REDIS_URL: 'redis://r',
        REDIS_PREFIX: 'a b',
      }),
    ).toThrow(/REDIS_PREFIX/);
  });

  it('A71: bounds the names of one key and the new names of one address a day, with defaults a NAT never meets', () => {
    expect(loadConfig({}).names).toEqual({ perKey: 20, perAddressPerDay: 500 });
    expect(
      loadConfig({ NAMES_PER_KEY_MAX: '2', NAMES_PER_ADDRESS_PER_DAY: '30' })
        .names,
    ).toEqual({ perKey: 2, perAddressPerDay: 30 });
    expect(() => loadConfig({ NAMES_PER_KEY_MAX: '0' })).toThrow(
      /NAMES_PER_KEY_MAX/,
    );
  });

  it('L76: bounds the public text a name and an address store a day, and keeps a free-disk floor for the database', () => {
    expect(loadConfig({}).messages).toEqual({
      userBytesPerDay: 4096 * 1024,
      addressBytesPerDay: 32_768 * 1024,
      minFreeBytes: 256 * 1024 * 1024,
    });
    expect(
      loadConfig({
        MESSAGES_USER_KB_PER_DAY: '64',
        MESSAGES_ADDRESS_KB_PER_DAY: '128',
        DATABASE_MIN_FREE_MB: '0',
      }).messages,
    ).toEqual({
      userBytesPerDay: 64 * 1024,
      addressBytesPerDay: 128 * 1024,
      minFreeBytes: 0,
    });
    // below one message's worth: every long message would be refused
    expect(() => loadConfig({ MESSAGES_USER_KB_PER_DAY: '8' })).toThrow(
      /MESSAGES_USER_KB_PER_DAY/,
    );
  });

  it('L70: limits each address on the key-log endpoints, 600 a minute unless RATE_KEY_LOG_PER_MINUTE says otherwise', () => {
    expect(loadConfig({}).keyLogPerMinute).toBe(600);
    expect(loadConfig({ RATE_KEY_LOG_PER_MINUTE: '20' }).keyLogPerMinute).toBe(
      20,
    );
    expect(() => loadConfig({ RATE_KEY_LOG_PER_MINUTE: '0' })).toThrow(
      /RATE_KEY_LOG_PER_MINUTE/,
    );
  });

  it('logs lines for people unless LOG_FORMAT=json asks for one JSON object per line', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
