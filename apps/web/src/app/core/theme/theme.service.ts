import {
  DOCUMENT,
  Injectable,
  computed,
  effect,
  inject,
  signal,
} from '@angular/core';

import { readSetting, writeSetting } from '../browser-setting';

export type Theme = 'light' | 'dark';

/** Where this browser remembers the reader's choice (nothing about it reaches the server). */
const STORAGE_KEY = 'fuv-chat.theme';

/**
 * Light or dark: the system's preference until the reader picks one with the toggle, then that
 * choice, remembered in this browser. The stylesheet does the rest (`data-theme` on <html>).
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly document = inject(DOCUMENT);
  private readonly window = this.document.defaultView;
  private readonly query = this.window?.matchMedia?.(
    '(prefers-color-scheme: dark)',
  );
  private readonly systemDark = signal(this.query?.matches ?? false);
  private readonly chosen = signal<Theme | undefined>(this.stored());
  /** The theme on screen now. */
  readonly theme = computed<Theme>(
    () => this.chosen() ?? (this.systemDark() ? 'dark' : 'light'),
  );

  constructor() {
    this.query?.addEventListener('change', (event) =>
      this.systemDark.set(event.matches),
    );
    effect(() => {
      const chosen = this.chosen();
      const root = this.document.documentElement;
      if (chosen) root.dataset['theme'] = chosen;
      else delete root.dataset['theme'];
    });
  }

  /** Switches to the other theme and remembers it. */
  toggle(): void {
    const next: Theme = this.theme() === 'dark' ? 'light' : 'dark';
    this.chosen.set(next);
    writeSetting(this.window, STORAGE_KEY, next);
  }

  private stored(): Theme | undefined {
    const value = readSetting(this.window, STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  }
}
