import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  computed,
  inject,
} from '@angular/core';

import { KeyLogService } from '../core/identity/key-log.service';
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
      @if (keyLog.evidenceCount() > 0) {
        <button
          type="button"
          class="evidence"
          data-testid="key-log-evidence"
          (click)="saveEvidence()"
        >
          Save key-log evidence ({{ keyLog.evidenceCount() }})
        </button>
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
    .evidence {
      font: inherit;
      color: light-dark(#991b1b, #fca5a5);
      background: none;
      border: 1px solid currentColor;
      border-radius: 4px;
      padding: 2px 6px;
      cursor: pointer;
    }
  `,
})
export class ConnectionStatusComponent implements OnInit {
  readonly socket = inject(SocketService);
  readonly keyLog = inject(KeyLogService);
  readonly label = computed(() => LABELS[this.socket.status()]);

  ngOnInit(): void {
    void this.keyLog.countEvidence();
  }

  /** Downloads the kept fork evidence (two signed heads a pair) as a JSON file (E65). */
  async saveEvidence(): Promise<void> {
    const url = URL.createObjectURL(await this.keyLog.evidenceFile());
    const link = document.createElement('a');
    link.href = url;
    link.download = 'fuv-key-log-evidence.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
