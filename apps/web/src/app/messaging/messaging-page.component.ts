import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  signal,
} from '@angular/core';
import { MatButton } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatToolbar } from '@angular/material/toolbar';

import { ContactBarComponent } from '../contacts/contact-bar.component';
import { NotificationsToggleComponent } from '../core/notify/notifications-toggle.component';
import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';
import { ThemeToggleComponent } from '../core/theme/theme-toggle.component';
import { EmojiService } from '../emoji/emoji.service';
import type { FileAction } from '../files/components/file-card.component';
import {
  type PublicFileData,
  PublicFileDialogComponent,
} from '../files/components/public-file-dialog.component';
import { FilesStore } from '../files/files.store';
import { ConnectionStatusComponent } from '../sessions/connection-status.component';
import { SessionStore } from '../sessions/session.store';
import { ComposeBoxComponent } from './components/compose-box.component';
import { MessageListComponent } from './components/message-list.component';
import { OnlineStore } from '../sessions/online.store';
import { UserListComponent } from './components/user-list.component';
import { MessagingStore } from './messaging.store';
import { RecipientStore } from './recipient.store';
import { TypingStore } from './typing.store';

@Component({
  selector: 'app-messaging-page',
  imports: [
    MatButton,
    MatToolbar,
    ConnectionStatusComponent,
    ComposeBoxComponent,
    ThemeToggleComponent,
    NotificationsToggleComponent,
    MessageListComponent,
    UserListComponent,
    ContactBarComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <mat-toolbar class="bar">
        <h1 class="brand">FUV Secure Chat</h1>
        <span class="me"
          >Signed in as <bdi>{{ session.username() }}</bdi></span
        >
        <span class="spacer"></span>
        <app-notifications-toggle />
        <app-theme-toggle />
        <button mat-button data-testid="logout-button" (click)="logout()">
          Log out
        </button>
      </mat-toolbar>
      <div class="status"><app-connection-status /></div>
      <div class="body">
        <aside class="people">
          <app-user-list
            [users]="listed()"
            [online]="online.online()"
            [filter]="online.filter()"
            [searching]="online.searching()"
            (find)="online.find($event)"
            (more)="online.more()"
            [me]="session.username()"
            [selected]="recipients.name()"
            [selectedOnline]="recipients.current()?.online ?? true"
            (choose)="recipients.choose($event)"
          />
        </aside>
        <main
          class="chat"
          (dragover)="onDragOver($event)"
          (dragleave)="onDragLeave($event)"
          (drop)="onDrop($event)"
        >
          @if (dragging()) {
            <div class="drop-hint" aria-hidden="true">
              Drop to send
              {{
                recipients.name()
                  ? 'to ' + recipients.name() + ' privately'
                  : 'to everyone'
              }}
            </div>
          }
          <app-message-list
            class="history"
            [entries]="store.timeline()"
            [files]="files.transfers()"
            (fileAction)="onFileAction($event.action, $event.transferId)"
            (retry)="store.retry($event)"
            [reactions]="store.reactions()"
            (react)="store.react($event.entry, $event.emoji)"
          />
          <div class="typing" aria-live="polite">
            @if (typing.notice(); as notice) {
              <span data-testid="typing-indicator">{{ notice }}</span>
            }
          </div>
          @if (recipients.name(); as to) {
            <app-contact-bar [name]="to" [me]="session.username() ?? ''" />
          }
          <app-compose-box
            class="compose"
            [recipient]="recipients.name()"
            [recipientOnline]="recipients.current()?.online ?? true"
            [shortcodes]="emoji.shortcodes()"
            [disabled]="
              socket.status() === 'untrusted' || socket.status() === 'failed'
            "
            [offline]="socket.status() !== 'connected'"
            (send)="send($event)"
            (clearRecipient)="recipients.sendPublicly()"
            (file)="sendFiles([$event])"
            (typing)="typing.typed($event, recipients.name())"
            [users]="others()"
          />
        </main>
      </div>
    </div>
  `,
  styles: `
    .page {
      height: 100dvh;
      display: flex;
      flex-direction: column;
    }
    .bar {
      gap: 12px;
      flex-wrap: wrap;
      height: auto;
      min-height: 56px;
    }
    /* the page's one level-one heading, sized as the toolbar's title */
    .brand {
      margin: 0;
      font: inherit;
      font-weight: 700;
    }
    .me {
      font-size: 14px;
      font-weight: 400;
      overflow-wrap: anywhere;
    }
    .spacer {
      flex: 1;
    }
    .status {
      padding: 4px 16px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .body {
      flex: 1;
      min-height: 0;
      display: flex;
    }
    .people {
      width: 220px;
      border-right: 1px solid var(--mat-sys-outline-variant);
      display: flex;
      flex-direction: column;
    }
    .people app-user-list {
      flex: 1;
    }
    .chat {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
      position: relative;
    }
    .drop-hint {
      position: absolute;
      inset: 8px;
      z-index: 5;
      display: grid;
      place-items: center;
      border: 2px dashed var(--mat-sys-primary);
      border-radius: 12px;
      background: color-mix(in srgb, var(--mat-sys-surface) 85%, transparent);
      color: var(--mat-sys-on-surface);
      font-size: 1.2em;
      pointer-events: none;
    }
    .history {
      flex: 1;
      min-height: 0;
    }
    /* one line always reserved: the compose box does not jump when someone starts typing */
    .typing {
      min-height: 1.4em;
      padding: 0 12px;
      font-size: 0.85em;
      font-style: italic;
      color: var(--mat-sys-on-surface-variant);
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .compose {
      padding: 8px 12px;
      border-top: 1px solid var(--mat-sys-outline-variant);
    }
    @media (max-width: 640px) {
      .body {
        flex-direction: column;
      }
      .people {
        width: auto;
        height: 25dvh;
        border-right: none;
        border-bottom: 1px solid var(--mat-sys-outline-variant);
      }
    }
  `,
})
export class MessagingPageComponent {
  readonly session = inject(SessionStore);
  readonly online = inject(OnlineStore);
  readonly store = inject(MessagingStore);
  readonly recipients = inject(RecipientStore);
  private readonly dialog = inject(MatDialog);
  readonly socket = inject(SocketService);
  readonly emoji = inject(EmojiService);
  readonly files = inject(FilesStore);
  readonly typing = inject(TypingStore);
  private readonly notify = inject(NotifyService);
  /** Files are being dragged over the chat. */
  readonly dragging = signal(false);
  /** Who is listed: those online, and the chosen person while they are offline. */
  readonly listed = computed(() =>
    this.recipients.listed(this.online.shown(), this.online.filter()),
  );
  /** Who an @ can mention. */
  readonly others = computed(() => {
    const me = this.session.username();
    return this.online
      .users()
      .map((u) => u.username)
      .filter((name) => name !== me);
  });

  constructor() {
    // fetch the shortcode data now, in the background, rather than on the first send
    void this.emoji.load();
  }

  /** Chosen, dropped or pasted: the same rules as the 📎 button. */
  sendFiles(files: File[]): void {
    if (files.length === 0) return;
    if (this.socket.status() !== 'connected') {
      this.notify.error('Not connected to the server; the file was not sent.');
      return;
    }
    const to = this.recipients.name();
    if (to !== undefined) {
      // the chosen person went offline: refused, never offered to anyone else (issue 30)
      if (this.recipients.refuses(to, 'file')) return;
      for (const file of files) void this.files.send(file, to);
      return;
    }
    if (!this.recipients.confirmsPublicFile()) {
      for (const file of files) void this.files.send(file);
      return;
    }
    // a private conversation was open a moment ago: the room gets it only when confirmed
    this.dialog
      .open<PublicFileDialogComponent, PublicFileData, boolean>(
        PublicFileDialogComponent,
        { data: { names: files.map((f) => f.name) } },
      )
      .afterClosed()
      .subscribe((confirmed) => {
        if (!confirmed || this.recipients.name() !== undefined) return;
        this.recipients.publicConfirmed();
        this.sendFiles(files);
      });
  }

  onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  onDragLeave(event: DragEvent): void {
    // leaving for a child element is not leaving the chat
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as Node).contains(to))
      this.dragging.set(false);
  }

  onDrop(event: DragEvent): void {
    this.dragging.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    this.sendFiles(files);
  }

  send(event: { text: string; done: (sent: boolean) => void }): void {
    void this.store.submit(event.text).then(event.done);
  }

  onFileAction(action: FileAction, transferId: string): void {
    void this.files[action](transferId);
  }

  async logout(): Promise<void> {
    await this.session.logout();
    this.store.clear();
  }
}
