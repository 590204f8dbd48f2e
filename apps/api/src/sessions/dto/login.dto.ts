import type { LoginPayload, ResumePayload } from '@app/shared';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class LoginDto implements LoginPayload {
  // the username rules themselves live in the service; this only bounds the shape
  @IsString()
  @MaxLength(256)
  username!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  lastMessageId?: number;
}

export class ResumeDto implements ResumePayload {
  @IsString()
  @MaxLength(128)
  token!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  lastMessageId?: number;
}
