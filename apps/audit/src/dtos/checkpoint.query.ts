import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInteger } from '@custos/platform';

/** Path of `GET /api/audit/checkpoints/:size`. */
export class CheckpointSizeParams {
  @ApiProperty({ type: Number, description: 'the tree size' })
  @QueryInteger({ min: 1 })
  size!: number;
}

/** Query of `GET /api/audit/proof/inclusion`: an entry, and the tree size (default: the latest checkpoint's). */
export class InclusionProofQuery {
  @ApiProperty({ type: Number })
  @QueryInteger({ min: 1 })
  sequence!: number;

  @ApiPropertyOptional({ type: Number, description: 'tree size (default: the latest checkpoint’s)' })
  @IsOptional()
  @QueryInteger({ min: 1 })
  size?: number;
}

/** Query of `GET /api/audit/proof/consistency`: two tree sizes (`to` defaults to the latest checkpoint's). */
export class ConsistencyProofQuery {
  @ApiProperty({ type: Number })
  @QueryInteger({ min: 1 })
  from!: number;

  @ApiPropertyOptional({ type: Number, description: 'default: the latest checkpoint’s size' })
  @IsOptional()
  @QueryInteger({ min: 1 })
  to?: number;
}
