import type {
  FileAnswerPayload,
  FileCancelPayload,
  FileFetchPayload,
  FileOfferPayload,
  FileSecret,
} from '@app/shared';
import { Type } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { E2eeFileDto } from '../../e2ee/dto/e2ee.dto';

const TRANSFER_ID = /^[A-Za-z0-9-]{8,64}$/;
const SHA256_HEX = {
  message: 'sha256 must be 64 lowercase hex characters',
} as const;

/** A public file's secret: readable by the server, which never writes it down. */
export class FileSecretDto implements FileSecret {
  @IsString()
  @Length(1, 1024)
  name!: string;

  @IsString()
  @MaxLength(255)
  type!: string;

  @Matches(/^[0-9a-f]{64}$/, SHA256_HEX)
  sha256!: string;

  @IsBase64()
  @Length(44, 44, { message: 'key must be a 32-byte key in base64' })
  key!: string;
}

export class FileOfferDto implements FileOfferPayload {
  @Matches(TRANSFER_ID)
  transferId!: string;

  @IsInt()
  @Min(0)
  size!: number;

  @Matches(/^[0-9a-f]{64}$/, SHA256_HEX)
  sha256!: string;

  @IsInt()
  @Min(1)
  chunkCount!: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  to?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => FileSecretDto)
  file?: FileSecretDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => E2eeFileDto)
  e2ee?: E2eeFileDto;
}

export class FileAnswerDto implements FileAnswerPayload {
  @Matches(TRANSFER_ID)
  transferId!: string;

  @IsBoolean()
  accept!: boolean;
}

export class FileFetchDto implements FileFetchPayload {
  @Matches(TRANSFER_ID)
  transferId!: string;

  @IsInt()
  @Min(0)
  from!: number;
}

export class FileCancelDto implements FileCancelPayload {
  @Matches(TRANSFER_ID)
  transferId!: string;
}
