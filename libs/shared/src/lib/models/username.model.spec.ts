import {
  MAX_MARKS_PER_CHARACTER,
  USERNAME_PROBLEM_MESSAGES,
  checkUsername,
} from './username.model';

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

  it.each([
    ['bob' + '\u0301'.repeat(29), 'marks'],
    ['bo\u0301\u0302\u0303\u0304\u0306b', 'marks'],
    ['bo\u0301\u0301b', 'marks'],
    ['bo\u0301\u0308\u0301b', 'marks'],
  ])(
    'A79: refuses %j (%s): a tower of marks, or one mark twice',
    (input, problem) => {
      expect(checkUsername(input)).toEqual({ ok: false, problem });
    },
  );

  it.each([
    // Vietnamese: two marks on one vowel; Devanagari and Hebrew: vowel signs and points
    ['Nguyễn', 'Vietnamese'],
    ['Đặng', 'Vietnamese'],
    ['कुमारी', 'Devanagari'],
    ['שָׁלוֹם', 'Hebrew'],
    ['bo\u0301\u0302\u0303\u0304b', 'four marks on one letter'],
  ])('A79: accepts %j (%s): the marks a script needs', (input) => {
    expect(checkUsername(input)).toMatchObject({ ok: true });
  });

  it('A79: names the limit in its message', () => {
    expect(USERNAME_PROBLEM_MESSAGES.marks).toContain(
      String(MAX_MARKS_PER_CHARACTER),
    );
  });
});
