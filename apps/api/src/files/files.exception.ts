import { DomainException } from '../common/domain.exception';

/** A file transfer step the files domain refused. */
export class FilesException extends DomainException {}
