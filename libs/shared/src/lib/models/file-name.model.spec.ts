import { Limits } from '../protocol/limits';
import {
  chunkCountFor,
  expectedChunkBytes,
  sanitizeFileName,
} from './file-name.model';

describe('sanitizeFileName (F20)', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\\\x', 'x'],
    ['/absolute/path/photo.jpg', 'photo.jpg'],
    ['C:\\\\Users\\\\me\\\\notes.txt', 'notes.txt'],
    ['nul\u0000byte.txt', 'nul_byte.txt'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['<svg onload=alert(1)>.png', '_svg onload=alert(1)_.png'],
    ['evil\u202Egnp.exe', 'evil_gnp.exe'],
    ['...', 'file'],
    ['', 'file'],
    ['  spaced  ', 'spaced'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('cuts 300 characters down, keeping the extension', () => {
    const long = sanitizeFileName('a'.repeat(300) + '.tar.gz');
    expect(Array.from(long)).toHaveLength(Limits.fileNameMaxChars);
    expect(long.endsWith('.gz')).toBe(true);
  });
});

describe('chunking arithmetic', () => {
  const chunk = Limits.fileChunkBytes;
  it.each([
    [1, 1],
    [chunk, 1],
    [chunk + 1, 2],
    [20 * 1024 * 1024, 427],
  ])('a file of %i bytes travels in %i chunks', (size, count) => {
    expect(chunkCountFor(size)).toBe(count);
  });

  it('knows the exact size of every chunk and refuses indexes out of range', () => {
    expect(expectedChunkBytes(chunk * 2 + 5, 0)).toBe(chunk);
    expect(expectedChunkBytes(chunk * 2 + 5, 1)).toBe(chunk);
    expect(expectedChunkBytes(chunk * 2 + 5, 2)).toBe(5);
    expect(expectedChunkBytes(chunk * 2 + 5, 3)).toBe(-1);
    expect(expectedChunkBytes(chunk * 2 + 5, -1)).toBe(-1);
  });
});
