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
  | 'mixed_scripts'
  | 'reserved';

export type UsernameCheck =
  | { ok: true; username: string; key: string }
  | { ok: false; problem: UsernameProblem };

const ALLOWED = /^[\p{L}\p{N}._-][\p{L}\p{M}\p{N}._-]*$/u;
const SCRIPTS = [
  /\p{Script=Latin}/u,
  /\p{Script=Cyrillic}/u,
  /\p{Script=Greek}/u,
  /\p{Script=Armenian}/u,
  /\p{Script=Cherokee}/u,
];

/**
 * Letters that look like Latin ones: folded into the uniqueness key so that an all-Cyrillic
 * "аdmіn" cannot pose as "admin" (mixed-script names are refused outright).
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  һ: 'h',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ζ: 'z',
  μ: 'u',
  '0': 'o',
  '1': 'l',
  ı: 'i',
};

/** The key two names collide on: case-folded, confusables folded. */
export function usernameKey(username: string): string {
  return Array.from(username.toLowerCase(), (ch) => CONFUSABLES[ch] ?? ch).join(
    '',
  );
}

/**
 * Username rules: trimmed, NFKC-normalised, 1 to 32 letters, digits, `.`, `_`, `-` (combining
 * marks after the first character), one script at most, not reserved.
 */
export function checkUsername(input: string): UsernameCheck {
  const username = input.normalize('NFKC').trim();
  const length = Array.from(username).length;
  if (length === 0) return { ok: false, problem: 'empty' };
  if (length > Limits.usernameMaxChars)
    return { ok: false, problem: 'too_long' };
  if (!ALLOWED.test(username)) return { ok: false, problem: 'characters' };
  if (SCRIPTS.filter((script) => script.test(username)).length > 1) {
    return { ok: false, problem: 'mixed_scripts' };
  }
  const key = usernameKey(username);
  if (RESERVED_USERNAMES.some((name) => usernameKey(name) === key)) {
    return { ok: false, problem: 'reserved' };
  }
  return { ok: true, username, key };
}

export const USERNAME_PROBLEM_MESSAGES: Record<UsernameProblem, string> = {
  empty: 'Please choose a username.',
  too_long: `Usernames are at most ${Limits.usernameMaxChars} characters.`,
  characters: 'Usernames may contain letters, digits, ".", "_" and "-" only.',
  mixed_scripts:
    'Usernames may not mix alphabets (for example Latin and Cyrillic).',
  reserved: 'That username is reserved.',
};
