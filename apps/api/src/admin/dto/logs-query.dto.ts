import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

export const MAX_PAGE_SIZE = 200;

/** A range that ends before it begins is a mistake to report, not an empty page to show. */
@ValidatorConstraint({ name: 'notBeforeFrom' })
class NotBeforeFrom implements ValidatorConstraintInterface {
  validate(to: unknown, { object }: ValidationArguments): boolean {
    const from = (object as LogsQueryDto).from;
    const [start, end] = [Date.parse(String(from)), Date.parse(String(to))];
    // a date that does not parse is reported by its own check
    return Number.isNaN(start) || Number.isNaN(end) || end >= start;
  }

  defaultMessage(): string {
    return 'to must not be before from';
  }
}

/** `GET /api/admin/logs` filters; every one optional, every one validated. */
export class LogsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Cursor: only events with a smaller id (pass nextBefore)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before?: number;

  @ApiPropertyOptional({ example: 'login_accepted' })
  @IsOptional()
  @Matches(/^[a-z_]{1,64}$/, {
    message: 'type must be an event type such as login_accepted',
  })
  type?: string;

  @ApiPropertyOptional({
    description: 'Events where this user is the actor or the target',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  user?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'ISO 8601, inclusive; not before `from`',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Validate(NotBeforeFrom)
  to?: string;
}
