import { ErrorCode } from '@app/shared';

/** A refusal the user should hear about: a shared code plus a message safe to show. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidPayloadException extends DomainException {
  constructor(message: string, field?: string) {
    super(ErrorCode.InvalidPayload, message, field);
  }
}
