import {
  ChangeDetectionStrategy,
  Component,
  effect,
  input,
  viewChild,
} from '@angular/core';
import { MatSort, MatSortModule } from '@angular/material/sort';
import { MatTableDataSource, MatTableModule } from '@angular/material/table';
import { type AuditEventPayload, inertText } from '@app/shared';

import { localDateTime } from '../../core/time/days';

/**
 * Audit events as a Material table. Everything is interpolated text with control characters
 * made visible, so `<script>`, CRLF or ANSI escapes in a log row stay inert.
 */
@Component({
  selector: 'app-log-table',
  imports: [MatTableModule, MatSortModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <table
      mat-table
      [dataSource]="rows"
      matSort
      data-testid="log-table"
      class="logs"
    >
      <ng-container matColumnDef="id">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>#</th>
        <td mat-cell *matCellDef="let e">{{ e.id }}</td>
      </ng-container>
      <ng-container matColumnDef="at">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>Time</th>
        <td mat-cell *matCellDef="let e" class="time">
          <time [attr.datetime]="e.at" [title]="e.at">{{ local(e.at) }}</time>
        </td>
      </ng-container>
      <ng-container matColumnDef="type">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>Type</th>
        <td mat-cell *matCellDef="let e" class="mono">{{ e.type }}</td>
      </ng-container>
      <ng-container matColumnDef="actor">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>Actor</th>
        <td mat-cell *matCellDef="let e">
          <bdi>{{ text(e.actor) }}</bdi>
        </td>
      </ng-container>
      <ng-container matColumnDef="target">
        <th mat-header-cell *matHeaderCellDef mat-sort-header>Target</th>
        <td mat-cell *matCellDef="let e">
          <bdi>{{ text(e.target) }}</bdi>
        </td>
      </ng-container>
      <ng-container matColumnDef="detail">
        <th mat-header-cell *matHeaderCellDef>Detail</th>
        <td mat-cell *matCellDef="let e" class="mono detail">
          {{ detail(e) }}
        </td>
      </ng-container>
      <tr mat-header-row *matHeaderRowDef="columns; sticky: true"></tr>
      <tr
        mat-row
        *matRowDef="let row; columns: columns"
        data-testid="log-row"
      ></tr>
      <tr class="mat-row" *matNoDataRow>
        <td class="mat-cell empty" [attr.colspan]="columns.length">
          No events match.
        </td>
      </tr>
    </table>
  `,
  styles: `
    .logs {
      width: 100%;
    }
    .mono {
      font-family: ui-monospace, monospace;
      font-size: 12px;
      white-space: nowrap;
    }
    .time {
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
    }
    .detail {
      white-space: normal;
      overflow-wrap: anywhere;
      max-width: 480px;
    }
    .empty {
      padding: 16px;
      opacity: 0.7;
    }
  `,
})
export class LogTableComponent {
  readonly events = input.required<AuditEventPayload[]>();
  readonly columns = ['id', 'at', 'type', 'actor', 'target', 'detail'];
  /** The page's rows, sorted by the header the admin clicked (newest first by default). */
  readonly rows = new MatTableDataSource<AuditEventPayload>([]);
  private readonly sort = viewChild.required(MatSort);
  readonly local = localDateTime;

  constructor() {
    effect(() => {
      this.rows.sort = this.sort();
      this.rows.data = this.events();
    });
  }

  text(value: string | null): string {
    return value === null ? '' : inertText(value);
  }

  detail(event: AuditEventPayload): string {
    return inertText(JSON.stringify(event.detail));
  }
}
