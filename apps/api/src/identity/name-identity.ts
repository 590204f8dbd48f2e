import { createHash } from 'node:crypto';

import {
  RESERVED_USERNAMES,
  type UsernameProblem,
  checkUsername,
} from '@app/shared';
import unhomoglyph from 'unhomoglyph';

/** Unicode's property value aliases (PropertyValueAliases.txt), as the regexpu tools ship them. */
const propertyValueAliases =
  require('unicode-match-property-value-ecmascript/data/mappings.js') as ReadonlyMap<
    string,
    ReadonlyMap<string, string>
  >;

/**
 * Every script Unicode names, as a `Script_Extensions` test. Common and Inherited (digits,
 * punctuation, combining marks) belong to no script of their own; a script this Node's ICU does
 * not know yet cannot occur in a name it accepts either.
 */
const SCRIPTS: readonly { name: string; test: RegExp }[] = [
  ...new Set(propertyValueAliases.get('Script')?.values() ?? []),
]
  .filter((name) => !['Common', 'Inherited', 'Unknown'].includes(name))
  .flatMap((name) => {
    try {
      return [
        { name, test: new RegExp(`\\p{Script_Extensions=${name}}`, 'u') },
      ];
    } catch {
      return [];
    }
  });

/**
 * UTS #39's "highly restrictive" level: one script, or Latin with the scripts a Chinese,
 * Japanese or Korean name is written in.
 */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const ASCII = /^[\p{ASCII}]*$/u;

function scriptsOf(character: string): string[] {
  return SCRIPTS.filter((script) => script.test.test(character)).map(
    (script) => script.name,
  );
}

/** True when the name stays within one script, or one of the allowed mixes (UTS #39 §5.2). */
export function isRestrictedScript(username: string): boolean {
  // ASCII is Latin and Common only: no need to test every script (most names, every login)
  if (ASCII.test(username)) return true;
  const perCharacter = Array.from(username)
    .map(scriptsOf)
    .filter((scripts) => scripts.length > 0);
  if (perCharacter.length === 0) return true;
  // the scripts every character can be written in (Script_Extensions resolve shared marks)
  const common = perCharacter.reduce((all, scripts) =>
    all.filter((name) => scripts.includes(name)),
  );
  if (common.length > 0) return true;
  return ALLOWED_MIXES.some((mix) =>
    perCharacter.every((scripts) => scripts.some((name) => mix.includes(name))),
  );
}

/**
 * IPA and phonetic letters (`ɑ`, `ᴀ`, `ʙ`…): UTS #39 gives them no "Allowed" identifier status
 * (they are technical), and small capitals have no confusable mapping to fold them by.
 */
const PHONETIC = /[\u0250-\u02af\u1d00-\u1dbf]/u;

/** UTS #39 skeleton: decompose, map each confusable to its prototype, decompose again. */
function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/**
 * Accents on Latin, Greek and Cyrillic letters and on digits, in a decomposed skeleton: one
 * such mark barely changes how a name looks (`bob́`, `admiṅ`), so they fold away and the name
 * collides with the one it imitates (A79). Marks that are vowels and points of their own
 * scripts (Devanagari, Hebrew, Arabic…) stay.
 */
const ACCENTS =
  /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}])[\p{Mn}\p{Me}]+/gu;

/**
 * The key two names collide on: the case-folded UTS #39 skeleton without accents, so `Admin`,
 * `аdmin` (Cyrillic а), `ɑdmin`, `admiṅ` and `ѕуѕтем` (all Cyrillic) collide with `admin` and
 * `system`. Hashed, because a skeleton can be several times longer than the name (`m` → `rn`)
 * and the key column is fixed-width.
 */
export function nameKey(username: string): string {
  // through upper case first: Cyrillic lower-case letters look like Latin small capitals
  // (`ѕуѕтем`), whose capitals map to Latin ones; then lower case for the key itself
  const folded = skeleton(
    skeleton(username.toUpperCase()).toLowerCase(),
  ).replace(ACCENTS, '$1');
  return createHash('sha256').update(folded).digest('hex');
}

/** Names looked up lately: every private message and typing notice looks its recipient up. */
const typedKeys = new Map<string, string>();
const TYPED_KEYS_KEPT = 10_000;

/** The key of a name as someone typed it, to look it up (not to claim it: see `checkName`). */
export function typedNameKey(typed: string): string {
  let key = typedKeys.get(typed);
  if (key === undefined) {
    key = nameKey(typed.normalize('NFKC').trim());
    // bounded: names are chosen by whoever sends, so the memory is not theirs to grow
    if (typedKeys.size >= TYPED_KEYS_KEPT) typedKeys.clear();
    typedKeys.set(typed, key);
  }
  return key;
}

const RESERVED_KEYS = new Set(RESERVED_USERNAMES.map(nameKey));

export type NameCheck =
  | { ok: true; username: string; key: string }
  | { ok: false; problem: UsernameProblem };

/** The shared shape rules, then what only the server decides: scripts, look-alikes, reserved. */
export function checkName(input: string): NameCheck {
  const check = checkUsername(input);
  if (!check.ok) return check;
  if (PHONETIC.test(check.username)) return { ok: false, problem: 'lookalike' };
  if (!isRestrictedScript(check.username))
    return { ok: false, problem: 'mixed_scripts' };
  const key = nameKey(check.username);
  if (RESERVED_KEYS.has(key)) return { ok: false, problem: 'reserved' };
  return { ok: true, username: check.username, key };
}
