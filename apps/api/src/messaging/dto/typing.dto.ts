import type { TypingPayload } from '@app/shared';
import { IsOptional, IsString, Length } from 'class-validator';

export class TypingDto implements TypingPayload {
  @IsOptional()
  @IsString()
  @Length(1, 256)
  to?: string;
}
