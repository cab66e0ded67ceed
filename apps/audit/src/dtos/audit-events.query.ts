import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { QueryInteger } from '@custos/platform';

/** Query of `GET /api/audit/events`: exact-match filters, a time window and keyset paging by sequence. */
export class AuditEventsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  correlation_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  type?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  source?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  stream_id?: string;

  /** ISO 8601 date-time, inclusive. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' })
  since?: string;

  /** ISO 8601 date-time, exclusive. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date-time' })
  until?: string;

  /** The last sequence of the previous page (`next_after`). */
  @IsOptional()
  @QueryInteger({ min: 0 })
  after?: number;

  @QueryInteger({ min: 1, max: 1000 })
  limit: number = 100;
}

/** Query of `GET /api/audit/verify`: where to start recomputing the chain. */
export class AuditVerifyQuery {
  @QueryInteger({ min: 1 })
  from: number = 1;
}
