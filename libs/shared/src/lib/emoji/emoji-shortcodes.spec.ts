import data from '@emoji-mart/data';

import {
  type EmojiDataSet,
  EmojiShortcodes,
  isSingleEmoji,
  isEmojiOnly,
} from './emoji-shortcodes';

const emoji = new EmojiShortcodes(data as EmojiDataSet);

describe('EmojiShortcodes over @emoji-mart/data', () => {
  it.each([
    [':smile:', '😄'],
    [':+1:', '👍'],
    [':heart:', '❤️'],
    [':-1:', '👎'],
    ['I :heart: this :tada:', 'I ❤️ this 🎉'],
    [':smile::heart:', '😄❤️'],
    ['(:smile:)', '(😄)'],
    ['end of sentence :smile:.', 'end of sentence 😄.'],
    [':satisfied:', '😆'],
    [':+1::skin-tone-3:', '👍🏼'],
    [':+1::skin-tone-6:', '👍🏿'],
    [':smile::skin-tone-2:', '😄:skin-tone-2:'],
    [':notanemoji:', ':notanemoji:'],
    [':Smile:', ':Smile:'],
    ['12:30:45', '12:30:45'],
    ['at 10:100: sharp', 'at 10:100: sharp'],
    ['score :100:', 'score 💯'],
    ['http://x', 'http://x'],
    ['https://example.com:8080/a:b:c', 'https://example.com:8080/a:b:c'],
    ['a:smile:b', 'a:smile:b'],
    ['::', '::'],
    [':', ':'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(emoji.replace(input)).toBe(expected);
  });

  it('knows every shortcode of the data set, not a hand-picked list', () => {
    const ids = Object.keys((data as EmojiDataSet).emojis);
    expect(ids.length).toBeGreaterThan(1800);
    for (const id of ids) expect(emoji.replace(`:${id}:`)).not.toBe(`:${id}:`);
  });

  it('finds the shortcode being typed before the caret', () => {
    expect(emoji.typing('hello :sm')).toBe('sm');
    expect(emoji.typing(':+1')).toBe('+1');
    expect(emoji.typing('hello :s')).toBeUndefined();
    expect(emoji.typing('at 12:30')).toBeUndefined();
    expect(emoji.typing(':smile: ')).toBeUndefined();
  });

  it('suggests matching emoji, prefix matches first', () => {
    const suggestions = emoji.suggest('sm');
    expect(suggestions.length).toBe(8);
    expect(suggestions.every((s) => s.shortcode.startsWith('sm'))).toBe(true);
    expect(suggestions.map((s) => s.shortcode)).toContain('smile');
    expect(suggestions.find((s) => s.shortcode === 'smile')?.native).toBe('😄');
    expect(emoji.suggest('zzzzqq')).toEqual([]);
  });
});

describe('isEmojiOnly', () => {
  it.each([
    ['😄', true],
    ['😄 ❤️ 👍🏼', true],
    ['👨‍👩‍👧', true],
    ['🇫🇷', true],
    ['hi 😄', false],
    ['123', false],
    ['', false],
    ['😄'.repeat(11), false],
  ])('%j → %s', (text, expected) => {
    expect(isEmojiOnly(text)).toBe(expected);
  });
});

describe('isSingleEmoji', () => {
  it.each(['👍', '❤️', '👩‍💻', '👍🏽', '🇫🇷', '1️⃣'])('%s is one emoji', (e) =>
    expect(isSingleEmoji(e)).toBe(true),
  );
  it.each(['', 'a', '👍👍', ' 👍', '👍 ', '<b>', '🇫', '👍'.repeat(20)])(
    '%j is not',
    (e) => expect(isSingleEmoji(e)).toBe(false),
  );
});
