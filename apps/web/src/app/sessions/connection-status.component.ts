import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
} from '@angular/core';

import { SocketService } from '../core/realtime/socket.service';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected, end-to-server encrypted',
  reconnecting: 'Reconnecting…',
  untrusted: 'Server key changed: not connected',
  failed: 'Secure connection failed',
} as const;

/** The status line: connection state and the server key fingerprint users compare with the admin's. */
@Component({
  selector: 'app-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div
      class="status"
      [attr.data-status]="socket.status()"
      data-testid="connection-status"
      aria-live="polite"
    >
      <span class="dot"></span>
      <span>{{ label() }}</span>
      @if (socket.fingerprint(); as fp) {
        <span
          class="fp"
          data-testid="server-fingerprint"
          [title]="'Server key SHA-256: ' + fp"
        >
          Key {{ fp }}
        </span>
      }
    </div>
  `,
  styles: `
    .status {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      font-size: 12px;
      opacity: 0.85;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: #d97706;
    }
    [data-status='connected'] .dot {
      background: #16a34a;
    }
    [data-status='untrusted'] .dot,
    [data-status='failed'] .dot {
      background: #dc2626;
    }
    .fp {
      font-family: ui-monospace, monospace;
      word-break: break-all;
    }
  `,
})
export class ConnectionStatusComponent {
  readonly socket = inject(SocketService);
  readonly label = computed(() => LABELS[this.socket.status()]);
}
