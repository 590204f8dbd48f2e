import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatIconButton } from '@angular/material/button';

import { ThemeService } from './theme.service';

/** The light/dark switch in every page's toolbar: a toggle button, pressed while dark. */
@Component({
  selector: 'app-theme-toggle',
  imports: [MatIconButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      mat-icon-button
      type="button"
      data-testid="theme-toggle"
      aria-label="Dark theme"
      title="Dark theme"
      [attr.aria-pressed]="themes.theme() === 'dark'"
      (click)="themes.toggle()"
    >
      <span aria-hidden="true">{{
        themes.theme() === 'dark' ? '🌙' : '☀️'
      }}</span>
    </button>
  `,
})
export class ThemeToggleComponent {
  readonly themes = inject(ThemeService);
}
