import { Limits } from '../protocol/limits';

/** Names nobody may take: they would impersonate the system or its staff. */
export const RESERVED_USERNAMES: readonly string[] = [
  'admin',
  'administrator',
  'system',
  'server',
  'root',
  'moderator',
  'mod',
  'everyone',
  'here',
  'all',
  'channel',
  'support',
  'security',
  'fuv',
];

export type UsernameProblem =
  | 'empty'
  | 'too_long'
  | 'characters'
  | 'invisible'
  | 'marks'
  | 'lookalike'
  | 'mixed_scripts'
  | 'reserved';

/** The shape of a name, checked on both sides; scripts and look-alikes are the server's (A44). */
export type UsernameCheck =
  | { ok: true; username: string }
  | {
      ok: false;
      problem: Exclude<
        UsernameProblem,
        'lookalike' | 'mixed_scripts' | 'reserved'
      >;
    };

const ALLOWED = /^[\p{L}\p{N}._-][\p{L}\p{M}\p{N}._-]*$/u;
/** Variation selectors, CGJ, Mongolian free variation selectors, zero-width characters… */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/**
 * Nonspacing marks one character may carry: no script's writing needs more, and UTS #39 (§5.4)
 * flags longer runs, which stack into unreadable towers (A79).
 */
export const MAX_MARKS_PER_CHARACTER = 4;
const MARK_RUN = /[\p{Mn}\p{Me}]+/gu;

/** More marks on one character than any script needs, or one mark twice (UTS #39 §5.4). */
function overMarked(username: string): boolean {
  for (const [run] of username.normalize('NFD').matchAll(MARK_RUN)) {
    const marks = Array.from(run);
    if (
      marks.length > MAX_MARKS_PER_CHARACTER ||
      new Set(marks).size < marks.length
    )
      return true;
  }
  return false;
}

/**
 * Username shape: trimmed, NFKC-normalised, 1 to 32 letters, digits, `.`, `_`, `-` (combining
 * marks after the first character, a few per character), nothing invisible (A44, A79).
 */
export function checkUsername(input: string): UsernameCheck {
  const username = input.normalize('NFKC').trim();
  const length = Array.from(username).length;
  if (length === 0) return { ok: false, problem: 'empty' };
  if (length > Limits.usernameMaxChars)
    return { ok: false, problem: 'too_long' };
  if (INVISIBLE.test(username)) return { ok: false, problem: 'invisible' };
  if (!ALLOWED.test(username)) return { ok: false, problem: 'characters' };
  if (overMarked(username)) return { ok: false, problem: 'marks' };
  return { ok: true, username };
}

/**
 * Whether two spellings name the same person, as a browser can tell on its own: the same name
 * once NFKC-normalised and lower-cased. Stricter than the server's look-alike fold (a look-alike
 * spelling is a different name here), so a credential under a look-alike of a contact's name is
 * refused, never taken for theirs (E62).
 */
export function sameUsername(a: string, b: string): boolean {
  const canonical = (name: string) =>
    name.normalize('NFKC').trim().toLowerCase();
  return canonical(a) === canonical(b);
}

export const USERNAME_PROBLEM_MESSAGES: Record<UsernameProblem, string> = {
  empty: 'Please choose a username.',
  too_long: `Usernames are at most ${Limits.usernameMaxChars} characters.`,
  characters: 'Usernames may contain letters, digits, ".", "_" and "-" only.',
  invisible: 'Usernames may not contain invisible characters.',
  marks: `Usernames may carry at most ${MAX_MARKS_PER_CHARACTER} accents or other marks on one letter, each only once.`,
  lookalike:
    'Usernames may not use phonetic letters that imitate ordinary ones (such as ɑ or ᴀ).',
  mixed_scripts:
    'Usernames may not mix alphabets (for example Latin and Cyrillic).',
  reserved: 'That username is reserved.',
};

/**
 * The user list's order, the same on both sides (pages are cut by it): case-insensitively
 * (`toLowerCase` depends on no locale), then by code units.
 */
export function compareUsernames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a name is one a user-list search for `filter` finds: it contains it, in any case. */
export function usernameMatches(username: string, filter: string): boolean {
  return username.toLowerCase().includes(filter.toLowerCase());
}
