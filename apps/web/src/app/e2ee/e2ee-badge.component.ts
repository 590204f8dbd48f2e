import { ChangeDetectionStrategy, Component } from '@angular/core';

/** Marks an entry (a private message or file) whose content travelled end to end. */
@Component({
  selector: 'app-e2ee-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="e2ee"
    data-testid="e2ee-badge"
    title="End-to-end encrypted: the server could not read it"
    >🔒&ngsp;E2EE</span
  >`,
  styles: `
    .e2ee {
      font-size: 0.8em;
      font-weight: 600;
      color: light-dark(#047857, #6ee7b7);
    }
  `,
})
export class E2eeBadgeComponent {}
