import {
  type KeyPackageClaimPayload,
  type KeyPackagesPayload,
  Limits,
} from '@app/shared';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';

/** Opaque to the server: only their number and size are checked. */
export class KeyPackagesDto implements KeyPackagesPayload {
  @IsArray()
  @ArrayMaxSize(Limits.keyPackagesMax)
  @IsString({ each: true })
  @IsBase64(undefined, { each: true })
  @MaxLength(Limits.keyPackageMaxChars, { each: true })
  packages!: string[];

  /** The reusable last-resort package (E73): checked like each single-use one. */
  @IsOptional()
  @IsString()
  @IsBase64()
  @MaxLength(Limits.keyPackageMaxChars)
  lastResort?: string;
}

export class KeyPackageClaimDto implements KeyPackageClaimPayload {
  @IsString()
  @MaxLength(256)
  name!: string;
}
