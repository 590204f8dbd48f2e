import {
  type IdentityProofPayload,
  Limits,
  type LoginPayload,
  type ResumePayload,
  type UsersPageRequest,
} from '@app/shared';
import { Type } from 'class-transformer';
import {
  IsBase64,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class IdentityProofDto implements IdentityProofPayload {
  // lengths and the key's curve are checked with the signature, in the identity service
  @IsString()
  @IsBase64()
  @MaxLength(200)
  key!: string;

  @IsString()
  @IsBase64()
  @MaxLength(200)
  signature!: string;
}

export class LoginDto implements LoginPayload {
  // the username rules themselves live in the service; this only bounds the shape
  @IsString()
  @MaxLength(256)
  username!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => IdentityProofDto)
  identity!: IdentityProofDto;

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

export class UsersPageDto implements UsersPageRequest {
  @IsString()
  @MaxLength(256)
  after!: string;

  @IsOptional()
  @IsString()
  @MaxLength(Limits.usernameMaxChars)
  filter?: string;
}
