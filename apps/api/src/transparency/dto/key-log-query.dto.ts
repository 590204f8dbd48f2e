import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Tree sizes and indexes: whole numbers a log could reach. */
const MAX_INDEX = 2 ** 40;

/** `GET /api/transparency/proof`. */
export class ProofQueryDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({ description: 'Tree size (default: the latest head)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INDEX)
  size?: number;
}

/** `GET /api/transparency/consistency`. */
export class ConsistencyQueryDto {
  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INDEX)
  from!: number;

  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INDEX)
  to!: number;
}

/** `GET /api/transparency/entries`. */
export class EntriesQueryDto {
  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INDEX)
  start!: number;

  @ApiProperty()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INDEX)
  end!: number;
}
