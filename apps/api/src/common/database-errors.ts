import { ErrorCode } from '@app/shared';
import { QueryFailedError } from 'typeorm';

import { DomainException } from './domain.exception';

// SQLite: another process holds the lock (R39). PostgreSQL: connection refused or lost, server
// shutting down or starting, too many connections (SQLSTATE classes 08, 53 and 57P).
const UNAVAILABLE =
  /SQLITE_BUSY|SQLITE_LOCKED|database is locked|ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is (starting|shutting) up/i;
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;

/** True for failures that go away by themselves: the same write may be retried later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } }).driverError
      ?.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
  return UNAVAILABLE.test(`${String(code ?? '')} ${error.message}`);
}

/** True when a write hit a unique constraint (a duplicate of something already stored). */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && /unique|duplicate/i.test(error.message)
  );
}

/** What a client hears when a write could not be committed: nothing was stored, try again. */
export class DatabaseUnavailableException extends DomainException {
  constructor() {
    super(
      ErrorCode.Unavailable,
      'The server is temporarily unavailable and stored nothing; please try again shortly.',
    );
  }
}
