import { previewType } from './image-type';

describe('previewType', () => {
  const bytes = (...parts: (number[] | string)[]) =>
    Uint8Array.from(
      parts.flatMap((p) =>
        typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p,
      ),
    );

  it.each([
    [bytes([0x89], 'PNG\r\n\x1a\n', [0, 0]), 'image/png'],
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [bytes('GIF89a', [1, 0]), 'image/gif'],
    [bytes('GIF87a'), 'image/gif'],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
  ])('recognises %#', (data, expected) => {
    expect(previewType(data)).toBe(expected);
  });

  it.each([
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['HTML', bytes('<!doctype html><script>')],
    ['a RIFF that is not WebP', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
    ['nothing', bytes()],
  ])('shows no preview for %s', (_, data) => {
    expect(previewType(data)).toBeUndefined();
  });
});
