import { DomainException } from '../common/domain.exception';

/** A message the messaging domain refused. */
export class MessagingException extends DomainException {}
