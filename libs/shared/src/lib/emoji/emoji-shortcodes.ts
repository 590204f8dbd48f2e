/**
 * The part of the `@emoji-mart/data` set these helpers read. The caller passes the package's
 * JSON in (the browser loads it lazily), so this library stays free of dependencies.
 */
export interface EmojiDataSet {
  emojis: Record<
    string,
    {
      id: string;
      name: string;
      keywords: string[];
      skins: { native: string }[];
    }
  >;
  aliases: Record<string, string>;
}

export interface EmojiSuggestion {
  /** Without colons, e.g. `smile`. */
  shortcode: string;
  native: string;
  name: string;
}

/**
 * `:name:` optionally followed by `:skin-tone-2:` … `:skin-tone-6:` (emoji-mart's convention).
 * Not preceded or followed by a letter or digit, so `12:30:45`, `http://x` or `a:b:c` stay as
 * typed; adjacent codes (`:smile::heart:`) both convert.
 */
const SHORTCODE =
  /(?<![\p{L}\p{N}]):([a-z0-9_+-]+):(?::skin-tone-([2-6]):)?(?![\p{L}\p{N}])/gu;

/** The shortcode being typed just before the caret: `:` and two or more characters. */
const TYPING = /(?<![\p{L}\p{N}:]):([a-z0-9_+-]{2,})$/u;

/** Shortcode conversion and lookup over emoji-mart's data: ids and their aliases. */
export class EmojiShortcodes {
  private readonly codes: string[];

  constructor(private readonly data: EmojiDataSet) {
    this.codes = [
      ...Object.keys(data.emojis),
      ...Object.keys(data.aliases),
    ].sort();
  }

  /** The emoji for a shortcode without colons; skin tone 2–6 where the emoji has skins. */
  native(shortcode: string, skinTone?: number): string | undefined {
    const emoji =
      this.data.emojis[shortcode] ??
      this.data.emojis[this.data.aliases[shortcode] ?? ''];
    if (!emoji) return undefined;
    return (
      (skinTone && emoji.skins[skinTone - 1]?.native) || emoji.skins[0]?.native
    );
  }

  /** Replaces every known shortcode; unknown ones stay exactly as typed. */
  replace(text: string): string {
    return text.replace(SHORTCODE, (whole, code: string, tone?: string) => {
      const base = this.native(code);
      if (!base) return whole;
      const toned = tone ? this.native(code, Number(tone)) : base;
      // a skin tone the emoji does not have stays visible rather than silently dropped
      return toned !== base || !tone
        ? (toned ?? base)
        : `${base}:skin-tone-${tone}:`;
    });
  }

  /** The partial shortcode right before the caret, if the user is typing one (`:sm` → `sm`). */
  typing(textBeforeCaret: string): string | undefined {
    return TYPING.exec(textBeforeCaret)?.[1];
  }

  /** Shortcodes starting with the query first (shortest first), then those containing it. */
  suggest(query: string, limit = 8): EmojiSuggestion[] {
    const q = query.toLowerCase();
    const starts = this.codes
      .filter((c) => c.startsWith(q))
      .sort((a, b) => a.length - b.length || a.localeCompare(b));
    const contains =
      starts.length >= limit
        ? []
        : this.codes.filter((c) => !c.startsWith(q) && c.includes(q));
    return [...starts, ...contains].slice(0, limit).map((shortcode) => {
      const emoji =
        this.data.emojis[shortcode] ??
        this.data.emojis[this.data.aliases[shortcode]];
      return { shortcode, native: emoji.skins[0].native, name: emoji.name };
    });
  }
}

const EMOJI_ONLY =
  /^(?:\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u200D\p{Extended_Pictographic}\uFE0F?)*|\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|\s)+$/u;

/** Exactly one emoji (a reaction): one pictograph with its modifiers and joins, or one flag. */
export function isSingleEmoji(text: string): boolean {
  if (text.length > 32 || text !== text.trim()) return false;
  return isEmojiOnly(text) && !/\s/.test(text) && emojiCount(text) === 1;
}

function emojiCount(text: string): number {
  // a ZWJ sequence (👩‍💻) is one emoji of several pictographs
  const joined = text.replace(/\u200D\p{Extended_Pictographic}/gu, '');
  return (
    joined.match(/\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20E3/gu)
      ?.length ?? 0
  );
}

/** A short message of emoji only (up to 10), which chats show larger. */
export function isEmojiOnly(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed || !EMOJI_ONLY.test(trimmed)) return false;
  const count =
    trimmed.match(
      /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20E3/gu,
    )?.length ?? 0;
  return count > 0 && count <= 10;
}
