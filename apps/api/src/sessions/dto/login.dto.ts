import type { LoginPayload, ResumePayload } from '@app/shared';
import { IsString, MaxLength } from 'class-validator';

export class LoginDto implements LoginPayload {
  // the username rules themselves live in the service; this only bounds the shape
  @IsString()
  @MaxLength(256)
  username!: string;
}

export class ResumeDto implements ResumePayload {
  @IsString()
  @MaxLength(128)
  token!: string;
}
