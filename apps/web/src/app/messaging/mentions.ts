/** `@name` in a message: what the compose box completes and what the history highlights. */

const NAME_CHAR = String.raw`[\p{L}\p{N}\p{M}._-]`;
const PARTIAL = new RegExp(
  String.raw`(?:^|[^\p{L}\p{N}\p{M}._@-])@(${NAME_CHAR}*)$`,
  'u',
);

/** The partial name right before the caret when the user is typing a mention (`hi @al` → `al`). */
export function mentionQuery(textBeforeCaret: string): string | undefined {
  return PARTIAL.exec(textBeforeCaret)?.[1];
}

/** Whether `text` mentions `name` (`@name`, any case, not inside a longer name or address). */
export function mentions(text: string, name: string | undefined): boolean {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(
    // "@alice." ends a sentence; "@alice.b" is someone else
    String.raw`(?:^|[^\p{L}\p{N}\p{M}._@-])@${escaped}(?![._-]*[\p{L}\p{N}\p{M}])`,
    'iu',
  ).test(text);
}
