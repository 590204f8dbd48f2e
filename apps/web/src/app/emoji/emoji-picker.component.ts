import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  ViewEncapsulation,
  afterNextRender,
  inject,
  output,
} from '@angular/core';
import { PickerComponent } from '@ctrl/ngx-emoji-mart';
import type { EmojiEvent } from '@ctrl/ngx-emoji-mart/ngx-emoji';

import { ThemeService } from '../core/theme/theme.service';

/**
 * The emoji-mart picker with search, categories and recently used. Native emoji only: no
 * sprite sheet is ever fetched, so the page talks to nobody but our server. Loaded lazily.
 */
@Component({
  selector: 'app-emoji-picker',
  imports: [PickerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // the picker's own stylesheet, scoped by its class names and loaded with this chunk only
  encapsulation: ViewEncapsulation.None,
  styleUrl: './emoji-picker.component.scss',
  template: `
    <emoji-mart
      data-testid="emoji-picker"
      [isNative]="true"
      [darkMode]="themes.theme() === 'dark'"
      [showPreview]="false"
      [autoFocus]="true"
      [perLine]="8"
      [emojiTooltip]="true"
      title="Pick an emoji"
      (emojiSelect)="onSelect($event)"
    />
  `,
})
export class EmojiPickerComponent {
  readonly picked = output<string>();
  readonly themes = inject(ThemeService);

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    // the picker's scrolling emoji list is not focusable: keyboard users could not scroll it
    afterNextRender(() => {
      const list = host.querySelector('.emoji-mart-scroll');
      list?.setAttribute('tabindex', '0');
      list?.setAttribute('aria-label', 'Emoji by category');
    });
  }

  onSelect(event: EmojiEvent): void {
    if (event.emoji.native) this.picked.emit(event.emoji.native);
  }
}
