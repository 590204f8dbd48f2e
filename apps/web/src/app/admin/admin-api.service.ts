import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type {
  AdminUserPayload,
  AuditCheckpointPayload,
  AuditLogPagePayload,
  ChainReportPayload,
} from '@app/shared';
import { type Observable, firstValueFrom } from 'rxjs';

export interface LogFilters {
  type?: string;
  user?: string;
  from?: string;
  to?: string;
}

/** The admin REST API. The token lives in memory only: a reload asks for it again. */
@Injectable({ providedIn: 'root' })
export class AdminApiService {
  private readonly http = inject(HttpClient);
  private readonly token = signal<string | undefined>(undefined);
  readonly signedIn = computed(() => this.token() !== undefined);

  /** Checks the token against the server before keeping it. */
  async signIn(token: string): Promise<boolean> {
    try {
      await firstValueFrom(
        this.http.get('/api/admin/users', { headers: this.headers(token) }),
      );
      this.token.set(token);
      return true;
    } catch {
      return false;
    }
  }

  signOut(): void {
    this.token.set(undefined);
  }

  users(): Observable<AdminUserPayload[]> {
    return this.http.get<AdminUserPayload[]>('/api/admin/users', {
      headers: this.headers(),
    });
  }

  logs(
    filters: LogFilters,
    limit: number,
    before?: number,
  ): Observable<AuditLogPagePayload> {
    let params = new HttpParams().set('limit', limit);
    if (before !== undefined) params = params.set('before', before);
    for (const [key, value] of Object.entries(filters)) {
      if (value) params = params.set(key, value as string);
    }
    return this.http.get<AuditLogPagePayload>('/api/admin/logs', {
      headers: this.headers(),
      params,
    });
  }

  verify(): Observable<ChainReportPayload> {
    return this.http.get<ChainReportPayload>('/api/admin/logs/verify', {
      headers: this.headers(),
    });
  }

  checkpoints(): Observable<AuditCheckpointPayload[]> {
    return this.http.get<AuditCheckpointPayload[]>('/api/admin/checkpoints', {
      headers: this.headers(),
    });
  }

  /** Frees a name from its identity key (the next owner is a key change its contacts see). */
  release(username: string): Observable<unknown> {
    return this.http.post(
      `/api/admin/users/${encodeURIComponent(username)}/release`,
      null,
      { headers: this.headers() },
    );
  }

  kick(username: string): Observable<unknown> {
    return this.http.post(
      `/api/admin/users/${encodeURIComponent(username)}/kick`,
      null,
      { headers: this.headers() },
    );
  }

  private headers(token = this.token()): HttpHeaders {
    return new HttpHeaders({ Authorization: `Bearer ${token ?? ''}` });
  }
}
