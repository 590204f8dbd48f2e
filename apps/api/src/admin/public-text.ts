import { createHash } from 'node:crypto';

/** An audit event as the admin API answers it. */
interface LoggedEvent {
  type: string;
  detail: Record<string, unknown>;
}

/** The message a public message's audit row names, if it is one of today's (digest) rows. */
export function publicMessageId(event: LoggedEvent): number | undefined {
  const { id, sha256 } = event.detail;
  return event.type === 'message_public' &&
    typeof id === 'number' &&
    typeof sha256 === 'string'
    ? id
    : undefined;
}

/**
 * A public message's audit row keeps the SHA-256 of its text, not a second copy (L76): the admin
 * reads the words from the stored message, beside whether they still match what was logged (a
 * text changed in the database since does not).
 */
export function withPublicText<E extends LoggedEvent>(
  event: E,
  texts: ReadonlyMap<number, string>,
): E {
  const id = publicMessageId(event);
  const text = id === undefined ? undefined : texts.get(id);
  if (text === undefined) return event;
  const matches =
    createHash('sha256').update(text).digest('hex') === event.detail['sha256'];
  return { ...event, detail: { ...event.detail, text, textMatches: matches } };
}
