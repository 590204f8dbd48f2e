/** What the compose box asks for: a public message, or a whisper via `/w name text`. */
export type ComposeCommand =
  | { kind: 'public'; text: string }
  | { kind: 'private'; to: string; text: string }
  | { kind: 'invalid'; reason: string };

const WHISPER = /^\/(?:w|whisper|msg)(?:\s+(\S+))?(?:\s+([\s\S]*))?$/i;

/**
 * Parses one compose-box submission. `/w name text` (also `/whisper`, `/msg`) whispers; a
 * selected recipient turns plain text private; `//text` sends a literal leading slash.
 */
export function parseComposeCommand(
  input: string,
  selected?: string,
): ComposeCommand {
  const text = input.trim();
  if (text.startsWith('//')) return finish(text.slice(1), selected);
  const whisper = WHISPER.exec(text);
  if (whisper) {
    const [, to, body] = whisper;
    if (!to) return { kind: 'invalid', reason: 'Usage: /w name message' };
    if (!body?.trim())
      return { kind: 'invalid', reason: `Nothing to send to ${to}.` };
    return { kind: 'private', to, text: body.trim() };
  }
  if (text.startsWith('/')) {
    return {
      kind: 'invalid',
      reason:
        'Unknown command. Try /w name message, or // to start with a slash.',
    };
  }
  return finish(text, selected);
}

function finish(text: string, selected?: string): ComposeCommand {
  if (!text) return { kind: 'invalid', reason: 'Type a message first.' };
  return selected
    ? { kind: 'private', to: selected, text }
    : { kind: 'public', text };
}

/**
 * Who sees that the user is typing what the box holds: the room (`{}`), one person
 * (`{ to }`: the selected recipient, or a `/w name` with text after it), or nobody (empty box,
 * a name still being typed, any other command).
 */
export function typingAudience(
  input: string,
  selected?: string,
): { to?: string } | undefined {
  const text = input.trim();
  if (!text) return undefined;
  if (text.startsWith('//')) return selected ? { to: selected } : {};
  const whisper = WHISPER.exec(text);
  if (whisper)
    return whisper[1] && whisper[2]?.trim() ? { to: whisper[1] } : undefined;
  if (text.startsWith('/')) return undefined;
  return selected ? { to: selected } : {};
}
