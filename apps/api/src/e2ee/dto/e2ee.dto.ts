import { type E2eePayload, Limits } from '@app/shared';
import { Equals, IsBase64, IsIn, IsString, MaxLength } from 'class-validator';

/** An MLS message the server relays unread: only its shape and size are checked here. */
abstract class E2eeDto implements E2eePayload {
  @Equals(1)
  v!: 1;

  abstract kind: E2eePayload['kind'];

  @IsString()
  @IsBase64()
  @MaxLength(88)
  conversation!: string;

  @IsString()
  @IsBase64()
  @MaxLength(Limits.e2eeMessageMaxChars)
  mls!: string;
}

/** Inside a private message: a Welcome or an application message, never a file's secret. */
export class E2eeMessageDto extends E2eeDto {
  @IsIn(['welcome', 'message'])
  kind!: 'welcome' | 'message';
}

/** Inside a private file's offer: its secret, and nothing else (E61). */
export class E2eeFileDto extends E2eeDto {
  @Equals('file')
  kind!: 'file';
}
