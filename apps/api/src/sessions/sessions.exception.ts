import { DomainException } from '../common/domain.exception';

/** A login, resume or logout the sessions domain refused. */
export class SessionsException extends DomainException {}
