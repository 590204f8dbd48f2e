import type {
  FileAnswerPayload,
  FileCancelPayload,
  FileFetchPayload,
  FileOfferPayload,
} from '@app/shared';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

const TRANSFER_ID = /^[A-Za-z0-9-]{8,64}$/;

export class FileOfferDto implements FileOfferPayload {
  @Matches(TRANSFER_ID)
  transferId!: string;

  @IsString()
  @Length(1, 1024)
  name!: string;

  @IsInt()
  @Min(0)
  size!: number;

  @IsString()
  @MaxLength(255)
  type!: string;

  @Matches(/^[0-9a-f]{64}$/, {
    message: 'sha256 must be 64 lowercase hex characters',
  })
  sha256!: string;

  @IsInt()
  @Min(1)
  chunkCount!: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  to?: string;
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
