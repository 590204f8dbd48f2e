/**
 * Chunks an upload keeps in flight beyond the last one the server acknowledged: enough to hide
 * the round trip (one at a time would wait a round trip per 48 KB), few enough that a resume
 * re-sends little and the server's per-socket chunk budget is never near.
 */
export const UPLOAD_WINDOW = 16;

/**
 * Which chunks of an upload to send next. The server acknowledges with the index it expects
 * next (`file:upload-progress`); every acknowledgement opens the window further. Shared by the
 * browser and the Node load tools, so both upload the same way.
 */
export class UploadWindow {
  private sentUpTo = 0;

  /** `chunks`: the file's sealed chunks, in order. */
  constructor(
    private readonly chunks: readonly Uint8Array[],
    private readonly window = UPLOAD_WINDOW,
  ) {}

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** The server holds every chunk below `nextIndex`: the chunks to send now, in order. */
  acknowledged(nextIndex: number): { index: number; data: Uint8Array }[] {
    this.sentUpTo = Math.max(this.sentUpTo, nextIndex);
    const end = Math.min(this.chunkCount, nextIndex + this.window);
    const next: { index: number; data: Uint8Array }[] = [];
    while (this.sentUpTo < end) {
      const index = this.sentUpTo++;
      next.push({ index, data: this.chunks[index] });
    }
    return next;
  }

  /** After a reconnect, chunks sent on the old connection may be lost: resend from the next ack. */
  restart(): void {
    this.sentUpTo = 0;
  }
}
