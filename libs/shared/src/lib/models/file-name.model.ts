import { Limits } from '../protocol/limits';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\:*?"<>|]/g;

/**
 * A file name safe to show and to save under: no path, no control or bidi characters, no
 * characters Windows refuses, no reserved device names, bounded length. Display metadata only:
 * the server never uses it as a path.
 */
export function sanitizeFileName(name: string): string {
  const base = name.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let clean = base
    .replace(UNSAFE, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .trim();
  if (RESERVED.test(clean)) clean = `_${clean}`;
  const chars = Array.from(clean);
  if (chars.length > Limits.fileNameMaxChars) {
    const dot = clean.lastIndexOf('.');
    const extension =
      dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean =
      chars
        .slice(0, Limits.fileNameMaxChars - Array.from(extension).length)
        .join('') + extension;
  }
  return clean || 'file';
}

/** How many chunks a file of this size travels in. */
export function chunkCountFor(size: number): number {
  return Math.max(1, Math.ceil(size / Limits.fileChunkBytes));
}

/** The exact byte length chunk `index` of a file must have. */
export function expectedChunkBytes(size: number, index: number): number {
  const count = chunkCountFor(size);
  if (index < 0 || index >= count) return -1;
  return index < count - 1
    ? Limits.fileChunkBytes
    : size - Limits.fileChunkBytes * (count - 1);
}
