import {
  type E2eePayload,
  Limits,
  type SendMessagePayload,
  type SendPrivateMessagePayload,
} from '@app/shared';
import { Type } from 'class-transformer';
import {
  Equals,
  IsBase64,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** The server relays it unread: only its shape and size are checked here. */
export class E2eeDto implements E2eePayload {
  @Equals(1)
  v!: 1;

  @IsIn(['welcome', 'message'])
  kind!: 'welcome' | 'message';

  @IsString()
  @IsBase64()
  @MaxLength(88)
  conversation!: string;

  @IsString()
  @IsBase64()
  @MaxLength(Limits.e2eeMessageMaxChars)
  mls!: string;
}

// Text length in characters is checked by the service (it has its own error code); these
// bounds only keep absurd payloads out. The frame size limit caps them long before.
export class SendMessageDto implements SendMessagePayload {
  @IsString()
  @Length(1, 64)
  clientId!: string;

  @IsString()
  @MaxLength(64 * 1024)
  text!: string;
}

export class SendPrivateMessageDto
  extends SendMessageDto
  implements SendPrivateMessagePayload
{
  @IsString()
  @MaxLength(256)
  to!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => E2eeDto)
  e2ee?: E2eeDto;
}
