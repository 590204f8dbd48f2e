import { Injectable, signal } from '@angular/core';
import { type EmojiDataSet, EmojiShortcodes } from '@app/shared';

/**
 * emoji-mart's data set, loaded once and lazily (about 430 KB of JSON, kept out of the first
 * page load), served from our own origin like the rest of the bundle.
 */
@Injectable({ providedIn: 'root' })
export class EmojiService {
  private loading?: Promise<EmojiShortcodes>;
  /** Set once the data has arrived; until then nothing is converted or suggested. */
  readonly shortcodes = signal<EmojiShortcodes | undefined>(undefined);

  load(): Promise<EmojiShortcodes> {
    this.loading ??= import('@emoji-mart/data').then((module) => {
      const shortcodes = new EmojiShortcodes(module.default as EmojiDataSet);
      this.shortcodes.set(shortcodes);
      return shortcodes;
    });
    return this.loading;
  }

  /** Converts every known `:shortcode:` in a message about to be sent. */
  async convert(text: string): Promise<string> {
    return (await this.load()).replace(text);
  }
}
