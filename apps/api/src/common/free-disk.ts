import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the disk holding `dir` (the floors: F42, L76). */
export async function freeBytesAt(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}
