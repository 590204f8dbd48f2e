import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';

import { AppUpdateService } from './core/app-update/app-update.service';
import { NotifyService } from './core/notify/notify.service';
import { CheckpointWitnessService } from './core/realtime/checkpoint-witness.service';
import { KeyChangeWatcher } from './sessions/key-change-dialog.component';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<router-outlet />',
})
export class AppComponent {
  constructor() {
    // app-wide listeners: errors become notices, a changed server key blocks the UI, and the
    // latest signed audit checkpoint is kept in this browser; a new build is announced
    inject(NotifyService).start();
    inject(AppUpdateService).start();
    inject(KeyChangeWatcher).start();
    inject(CheckpointWitnessService).start();
  }
}
