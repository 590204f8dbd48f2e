import { inertText } from './inert-text.model';

describe('inertText', () => {
  it.each([
    ['plain', 'plain'],
    ['a\r\nb', 'a\\u000d\\u000ab'],
    ['\u001b[31mred\u001b[0m', '\\u001b[31mred\\u001b[0m'],
    ['evil\u202Etxt', 'evil\\u202etxt'],
    ['<script>', '<script>'],
    ['emoji 😄 ok', 'emoji 😄 ok'],
  ])('%j → %j', (input, expected) => {
    expect(inertText(input)).toBe(expected);
  });
});
