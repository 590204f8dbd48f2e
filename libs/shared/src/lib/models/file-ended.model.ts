import type { FileEndReason } from '../protocol/payloads/file.payload';

/**
 * Why a transfer ended, in words. The server says it with the name it knows (none for a private
 * file); a browser says it again with the name it opened.
 */
export function fileEndedMessage(name: string, reason: FileEndReason): string {
  return {
    sha256_mismatch: `${name} arrived damaged (SHA-256 mismatch) and was discarded.`,
    cancelled: `${name} was cancelled.`,
    expired: `${name} expired before it was completed.`,
    sender_left: `${name} is gone: its sender left.`,
  }[reason];
}
