import type { ErrorCode } from './error-code';

/** `exception` event and REST error body: what went wrong, safe to show. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** The sealed `exception` event also names the command it answers. */
export interface ExceptionPayload extends ErrorPayload {
  /** The client event that failed, when there was one. */
  event?: string;
  /** The offending payload field, for validation errors. */
  field?: string;
  /** The `clientId` of the message that failed, when it had one. */
  clientId?: string;
}
