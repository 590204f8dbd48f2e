import { mentionQuery, mentions } from './mentions';

describe('mentions', () => {
  it.each([
    ['hi @al', 'al'],
    ['@', ''],
    ['(@bob', 'bob'],
    ['mail me at x@al', undefined],
    ['hi @al ', undefined],
    ['no mention', undefined],
  ])('%j is typing the mention %j', (before, expected) => {
    expect(mentionQuery(before)).toBe(expected);
  });

  it.each([
    ['hello @alice!', true],
    ['@ALICE look', true],
    ['thanks @alice.', true],
    ['hello @alice.b', false],
    ['hello @alicex', false],
    ['me@alice.org', false],
    ['hello alice', false],
  ])('%j mentions alice: %s', (text, expected) => {
    expect(mentions(text, 'alice')).toBe(expected);
  });

  it('takes a name with regex characters literally', () => {
    expect(mentions('hey @a.b', 'a.b')).toBe(true);
    expect(mentions('hey @axb', 'a.b')).toBe(false);
  });
});
