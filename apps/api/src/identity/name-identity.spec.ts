import { checkName, isRestrictedScript, nameKey } from './name-identity';

describe('names: UTS #39 skeletons and scripts (A44, A17)', () => {
  it.each([
    ['ɑdmin', 'lookalike'],
    ['ᴀdmin', 'lookalike'],
    ['ʙob', 'lookalike'],
    ['Admin', 'reserved'],
    ['\u0455\u0443\u0455\u0442\u0435\u043c', 'reserved'],
    ['admin\uFE00', 'invisible'],
    ['alice\u034F', 'invisible'],
    ['bob\u180B', 'invisible'],
    ['b\u043Eb', 'mixed_scripts'],
    ['\u0430lice', 'mixed_scripts'],
    ['bobა', 'mixed_scripts'],
    ['alice\u13A0', 'mixed_scripts'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(checkName(input)).toEqual({ ok: false, problem });
  });

  it.each([
    ['admi\u1E45', 'reserved'],
    ['a\u0301dmin', 'reserved'],
    ['Ａｄｍｉｎ\u0307', 'reserved'],
    ['ѕуѕтем\u0301', 'reserved'],
    ['bob' + '\u0301'.repeat(29), 'marks'],
  ])(
    'A79: refuses %j (%s): a mark does not make a new name',
    (input, problem) => {
      expect(checkName(input)).toEqual({ ok: false, problem });
    },
  );

  it.each([
    'alice',
    'Zoë',
    'Дмитрий',
    'Ἀλέξανδρος',
    '山田太郎',
    'yamada山田たろう',
    'kim김',
    'a.b_c-1',
  ])('accepts %j', (input) => {
    expect(checkName(input)).toMatchObject({ ok: true, username: input });
  });

  it('gives names that differ by case or look alike one key, and different names different keys', () => {
    expect(nameKey('Alice')).toBe(nameKey('alice'));
    expect(nameKey('ВОВ')).toBe(nameKey('вов'));
    expect(nameKey('ѕуѕтем')).toBe(nameKey('system'));
    expect(nameKey('ВОВ')).toBe(nameKey('bob'.replace('o', 'о')));
    expect(nameKey('b0b')).toBe(nameKey('bob'));
    expect(nameKey('ɑlice')).toBe(nameKey('alice'));
    expect(nameKey('carol')).not.toBe(nameKey('carl'));
    expect(nameKey('x'.repeat(32))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('A79: gives a name with accents on its letters the key of the name without them', () => {
    expect(nameKey('bob\u0301')).toBe(nameKey('bob'));
    expect(nameKey('bo\u0301\u0302\u0303b')).toBe(nameKey('bob'));
    expect(nameKey('Zoë')).toBe(nameKey('zoe'));
    expect(nameKey('Ἀλέξανδρος')).toBe(nameKey('Αλεξανδρος'));
    expect(nameKey('Йоан')).toBe(nameKey('Иоан'));
    // in scripts where marks are vowels, they keep names apart
    expect(nameKey('कुमार')).not.toBe(nameKey('कमार'));
  });

  it('resolves scripts through Script_Extensions: digits and shared marks belong to any script', () => {
    expect(isRestrictedScript('bob42')).toBe(true);
    expect(isRestrictedScript('Дмитрий_2')).toBe(true);
    expect(isRestrictedScript('bob\u0411')).toBe(false);
  });
});
