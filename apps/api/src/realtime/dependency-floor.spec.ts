import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** SECURITY.md's floor: the fixed versions of the realtime stack's known CVEs (L33). */
const FLOOR: Record<string, string> = {
  ws: '8.17.1',
  'socket.io-parser': '4.2.3',
  'engine.io': '6.4.2',
};

function atLeast(version: string, floor: string): boolean {
  const a = version.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

describe('dependency floor (L33)', () => {
  // the lockfile is what `npm ci` installs: every copy, however deeply nested, must qualify
  const lock = JSON.parse(
    readFileSync(join(__dirname, '../../../../package-lock.json'), 'utf8'),
  ) as { packages: Record<string, { version?: string }> };
  const copies = Object.entries(lock.packages).flatMap(([path, entry]) => {
    const name = path.split('node_modules/').at(-1) ?? '';
    return name in FLOOR ? [{ path, name, version: entry.version ?? '' }] : [];
  });

  it('finds the packages it checks', () => {
    expect(new Set(copies.map((c) => c.name))).toEqual(
      new Set(Object.keys(FLOOR)),
    );
  });

  it.each(Object.keys(FLOOR))(
    'every installed copy of %s is at or above the fixed version',
    (name) => {
      const below = copies.filter(
        (c) => c.name === name && !atLeast(c.version, FLOOR[name]),
      );
      expect(below).toEqual([]);
    },
  );

  it('compares versions numerically', () => {
    expect(atLeast('8.17.1', '8.17.1')).toBe(true);
    expect(atLeast('8.9.0', '8.17.1')).toBe(false);
    expect(atLeast('10.0.0', '8.17.1')).toBe(true);
    expect(atLeast('4.2.2', '4.2.3')).toBe(false);
  });
});
