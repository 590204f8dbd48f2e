import { inertText } from './inert-text.model';

describe('inertText', () => {
  it.each([
    ['plain', 'plain'],
    ['a\r\nb', 'a\\u000d\\u000ab'],
    ['\u001b[31mred\u001b[0m', '\\u001b[31mred\\u001b[0m'],
    ['evil\u202Etxt', 'evil\\u202etxt'],
    ['<script>', '<script>'],
    // P54: bidi marks, the Arabic letter mark, line and paragraph separators
    ['a\u200Eb\u200Fc', 'a\\u200eb\\u200fc'],
    ['x\u061Cy', 'x\\u061cy'],
    ['one\u2028two\u2029three', 'one\\u2028two\\u2029three'],
    ['emoji 😄 ok', 'emoji 😄 ok'],
  ])('%j → %j', (input, expected) => {
    expect(inertText(input)).toBe(expected);
  });
});
