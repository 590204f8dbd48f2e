import type {
  SendMessagePayload,
  SendPrivateMessagePayload,
} from '@app/shared';
import { Type } from 'class-transformer';
import {
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import { E2eeMessageDto } from '../../e2ee/dto/e2ee.dto';

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
  @Type(() => E2eeMessageDto)
  e2ee?: E2eeMessageDto;
}
