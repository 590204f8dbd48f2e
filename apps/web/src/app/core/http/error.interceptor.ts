import {
  HttpErrorResponse,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { inject } from '@angular/core';
import type { ErrorPayload } from '@app/shared';
import { catchError, throwError } from 'rxjs';

import { NotifyService } from '../notify/notify.service';

/** REST errors (`{ code, message }`) become notices; callers still see the failure. */
export const errorInterceptor: HttpInterceptorFn = (request, next) => {
  const notify = inject(NotifyService);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse) {
        const body = error.error as Partial<ErrorPayload> | null;
        notify.error(
          typeof body?.message === 'string'
            ? body.message
            : error.status === 0
              ? 'The server cannot be reached.'
              : `Request failed (${error.status}).`,
        );
      }
      return throwError(() => error);
    }),
  );
};
