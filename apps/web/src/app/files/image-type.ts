/** The raster formats shown inline; SVG never (it is a document that can carry script). */
export type PreviewType =
  | 'image/png'
  | 'image/jpeg'
  | 'image/gif'
  | 'image/webp';

const ascii = (bytes: Uint8Array, from: number, text: string) =>
  [...text].every((c, i) => bytes[from + i] === c.charCodeAt(0));

/** What the bytes themselves say they are (never the sender's name or declared type). */
export function previewType(bytes: Uint8Array): PreviewType | undefined {
  if (bytes[0] === 0x89 && ascii(bytes, 1, 'PNG\r\n\x1a\n')) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a'))
    return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  return undefined;
}
