import type { ReactPayload } from '@app/shared';
import {
  IsBoolean,
  IsInt,
  IsPositive,
  IsString,
  Length,
} from 'class-validator';

// the emoji itself is checked by the service (one emoji, with its own message)
export class ReactDto implements ReactPayload {
  @IsInt()
  @IsPositive()
  messageId!: number;

  @IsString()
  @Length(1, 32)
  emoji!: string;

  @IsBoolean()
  on!: boolean;
}
