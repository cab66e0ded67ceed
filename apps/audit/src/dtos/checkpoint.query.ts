import { IsOptional } from 'class-validator';
import { QueryInteger } from '@custos/platform';

/** Path of `GET /api/audit/checkpoints/:size`. */
export class CheckpointSizeParams {
  @QueryInteger({ min: 1 })
  size!: number;
}

/** Query of `GET /api/audit/proof/inclusion`: an entry, and the tree size (default: the latest checkpoint's). */
export class InclusionProofQuery {
  @QueryInteger({ min: 1 })
  sequence!: number;

  @IsOptional()
  @QueryInteger({ min: 1 })
  size?: number;
}

/** Query of `GET /api/audit/proof/consistency`: two tree sizes (`to` defaults to the latest checkpoint's). */
export class ConsistencyProofQuery {
  @QueryInteger({ min: 1 })
  from!: number;

  @IsOptional()
  @QueryInteger({ min: 1 })
  to?: number;
}
