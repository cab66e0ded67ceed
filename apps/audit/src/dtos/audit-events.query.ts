import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { QueryInteger } from '@custos/platform';

/** Query of `GET /api/audit/events`: exact-match filters, a time window and keyset paging by sequence. */
export class AuditEventsQuery {
  @ApiPropertyOptional({ type: String, description: 'the gateway request id every fact of one request shares' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  correlation_id?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor_id?: string;

  @ApiPropertyOptional({ type: String, example: 'tracking.RunCreated' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  type?: string;

  @ApiPropertyOptional({ type: String, example: 'tracking' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  source?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  stream_id?: string;

  /** ISO 8601 date-time, inclusive. */
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' })
  since?: string;

  /** ISO 8601 date-time, exclusive. */
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' })
  until?: string;

  /** The last sequence of the previous page (`next_after`). */
  @ApiPropertyOptional({ type: Number, description: 'entries after this sequence number (the previous page’s next_after)' })
  @IsOptional()
  @QueryInteger({ min: 0 })
  after?: number;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000, default: 100 })
  @QueryInteger({ min: 1, max: 1000 })
  limit: number = 100;
}

/** Query of `GET /api/audit/verify`: where to start recomputing the chain. */
export class AuditVerifyQuery {
  @ApiPropertyOptional({ type: Number, description: 'first sequence to verify (default 1)' })
  @QueryInteger({ min: 1 })
  from: number = 1;
}
