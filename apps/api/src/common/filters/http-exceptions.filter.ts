import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ErrorCode, type ErrorPayload } from '@app/shared';
import type { Response } from 'express';

import {
  DatabaseUnavailableException,
  isDatabaseUnavailable,
} from '../database-errors';
import { DomainException } from '../domain.exception';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidPayload]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Every REST error is `{ code, message }`; unknown errors are logged and shown as `internal`. */
@Catch()
export class HttpExceptionsFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpExceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let body: ErrorPayload = {
      code: ErrorCode.Internal,
      message: 'Internal server error',
    };
    if (exception instanceof DomainException) {
      status = STATUS_BY_CODE[exception.code] ?? HttpStatus.BAD_REQUEST;
      body = { code: exception.code, message: exception.message };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = {
        code: status === 404 ? ErrorCode.NotFound : ErrorCode.InvalidPayload,
        message: exception.message,
      };
    } else if (isDatabaseUnavailable(exception)) {
      const unavailable = new DatabaseUnavailableException();
      status = HttpStatus.SERVICE_UNAVAILABLE;
      body = { code: unavailable.code, message: unavailable.message };
    } else {
      this.log.error('unhandled error', (exception as Error)?.stack);
    }
    response.status(status).json(body);
  }
}
