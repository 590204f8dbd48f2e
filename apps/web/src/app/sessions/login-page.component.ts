import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButton } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { Limits } from '@app/shared';

import { SocketService } from '../core/realtime/socket.service';
import { ThemeToggleComponent } from '../core/theme/theme-toggle.component';
import { MessagingStore } from '../messaging/messaging.store';
import { ConnectionStatusComponent } from './connection-status.component';
import { OnlineStore } from './online.store';
import { SessionStore } from './session.store';

@Component({
  selector: 'app-login-page',
  imports: [
    FormsModule,
    MatButton,
    MatCardModule,
    MatFormFieldModule,
    MatInput,
    ConnectionStatusComponent,
    ThemeToggleComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="login">
      <app-theme-toggle class="theme" />
      <mat-card appearance="outlined">
        <mat-card-header>
          <h1 mat-card-title>FUV Secure Chat</h1>
          <mat-card-subtitle>Pick a name to join the room</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          <form (ngSubmit)="join()">
            <mat-form-field appearance="outline" class="full">
              <mat-label>Username</mat-label>
              <input
                matInput
                name="username"
                data-testid="username-input"
                autocomplete="off"
                autofocus
                [maxlength]="maxChars * 4"
                [(ngModel)]="name"
              />
              <mat-hint
                >Letters, digits, ".", "_" and "-"; up to
                {{ maxChars }} characters.</mat-hint
              >
            </mat-form-field>
            <button
              mat-flat-button
              type="submit"
              data-testid="login-button"
              [disabled]="session.pending() || socket.status() !== 'connected'"
            >
              Join
            </button>
          </form>
        </mat-card-content>
        <mat-card-footer>
          <app-connection-status />
        </mat-card-footer>
      </mat-card>
    </main>
  `,
  styles: `
    .login {
      min-height: 100dvh;
      display: grid;
      place-items: center;
      padding: 16px;
      box-sizing: border-box;
    }
    .theme {
      position: fixed;
      top: 8px;
      right: 8px;
    }
    mat-card {
      width: min(420px, 100%);
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 16px;
      margin-top: 16px;
    }
    .full {
      width: 100%;
    }
    mat-card-footer {
      padding: 0 16px 16px;
    }
  `,
})
export class LoginPageComponent {
  readonly session = inject(SessionStore);
  readonly socket = inject(SocketService);
  readonly maxChars = Limits.usernameMaxChars;
  name = '';

  constructor() {
    // the user list, the history (and pending file offers) arrive right after the login is
    // accepted, before the chat page exists: the stores that fold them must already be listening
    inject(OnlineStore);
    inject(MessagingStore);
    this.socket.connect();
  }

  join(): void {
    void this.session.login(this.name);
  }
}
