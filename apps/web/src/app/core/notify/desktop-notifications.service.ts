import { DOCUMENT, Injectable, inject, signal } from '@angular/core';

import { readSetting, writeSetting } from '../browser-setting';
import { NotifyService } from './notify.service';

/** Where this browser remembers that the reader turned notifications off. */
const STORAGE_KEY = 'fuv-chat.notifications';

/**
 * Desktop notifications for private messages and mentions while the tab is hidden. Built here,
 * from what this browser opened: the server never sees or writes a notification. Permission is
 * asked only from the reader's click on the toggle; the choice is remembered in this browser.
 */
@Injectable({ providedIn: 'root' })
export class DesktopNotifications {
  private readonly document = inject(DOCUMENT);
  private readonly notify = inject(NotifyService);
  private readonly api: typeof Notification | undefined = (
    this.document.defaultView as (Window & typeof globalThis) | null
  )?.Notification;
  readonly supported = this.api !== undefined;
  readonly enabled = signal(
    this.api?.permission === 'granted' &&
      readSetting(this.document.defaultView, STORAGE_KEY) !== 'off',
  );

  /** The toggle's click: asks the browser the first time, then switches on and off. */
  async toggle(): Promise<void> {
    if (!this.api) return;
    if (this.enabled()) {
      this.enabled.set(false);
      writeSetting(this.document.defaultView, STORAGE_KEY, 'off');
      return;
    }
    const permission =
      this.api.permission === 'granted'
        ? 'granted'
        : await this.api.requestPermission();
    if (permission !== 'granted') {
      this.notify.error(
        'Notifications are blocked for this site; allow them in the browser settings.',
      );
      return;
    }
    this.enabled.set(true);
    writeSetting(this.document.defaultView, STORAGE_KEY, 'on');
  }

  /** Shown only while the tab is hidden; clicking it brings the chat back. */
  show(title: string, body: string): void {
    if (!this.api || !this.enabled() || !this.document.hidden) return;
    const notification = new this.api(title, { body, tag: 'fuv-chat' });
    notification.onclick = () => {
      this.document.defaultView?.focus();
      notification.close();
    };
  }
}
