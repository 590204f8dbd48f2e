import { checkUsername } from './username.model';

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
    ['zero\u200bwidth', 'invisible'],
    ['evil\u202Eexe', 'invisible'],
    ['\u0301accent', 'characters'],
    // A44: variation selector, combining grapheme joiner, Mongolian free variation selector
    ['admin\uFE00', 'invisible'],
    ['alice\u034F', 'invisible'],
    ['bob\u180B', 'invisible'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(checkUsername(input)).toEqual({ ok: false, problem });
  });
});
