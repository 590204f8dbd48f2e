import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatIconButton } from '@angular/material/button';

import { DesktopNotifications } from './desktop-notifications.service';

/** Turns desktop notifications on (asking the browser) and off. */
@Component({
  selector: 'app-notifications-toggle',
  imports: [MatIconButton],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (notifications.supported) {
      <button
        mat-icon-button
        type="button"
        data-testid="notifications-toggle"
        aria-label="Desktop notifications for private messages and mentions"
        title="Desktop notifications for private messages and mentions"
        [attr.aria-pressed]="notifications.enabled()"
        (click)="notifications.toggle()"
      >
        <span aria-hidden="true">{{
          notifications.enabled() ? '🔔' : '🔕'
        }}</span>
      </button>
    }
  `,
})
export class NotificationsToggleComponent {
  readonly notifications = inject(DesktopNotifications);
}
