import { checkUsername, usernameKey } from './username.model';

describe('checkUsername', () => {
  it.each([
    ['alice', 'alice'],
    ['  Bob  ', 'Bob'],
    ['jean.luc_picard-1', 'jean.luc_picard-1'],
    ['Zoë', 'Zoë'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'Fullwidth'],
    ['Дмитрий', 'Дмитрий'],
    ['a'.repeat(32), 'a'.repeat(32)],
  ])('accepts %j as %j', (input, expected) => {
    expect(checkUsername(input)).toMatchObject({
      ok: true,
      username: expected,
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['a'.repeat(33), 'too_long'],
    ['x'.repeat(10_000), 'too_long'],
    ['bob smith', 'characters'],
    ['<script>', 'characters'],
    ['zero\u200bwidth', 'characters'],
    ['evil\u202Eexe', 'characters'],
    ['\u0301accent', 'characters'],
    ['\u0430lice', 'mixed_scripts'],
    ['admin', 'reserved'],
    ['System', 'reserved'],
    ['\u0455\u0443\u0455\u0442\u0435\u043c', 'reserved'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(checkUsername(input)).toEqual({ ok: false, problem });
  });

  it('gives names that differ only by case or look-alike letters the same key', () => {
    expect(usernameKey('Alice')).toBe(usernameKey('alice'));
    expect(usernameKey('ВОВ')).toBe(
      usernameKey('bob'.replace('b', 'в').replace('b', 'в')),
    );
    expect(usernameKey('b0b')).toBe(usernameKey('bob'));
    expect(usernameKey('carol')).not.toBe(usernameKey('carl'));
  });
});
