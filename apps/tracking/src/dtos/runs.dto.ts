import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Run, RUN_STATUSES, RunInfo, RunTag, VIEW_TYPES } from './entities.dto';

export class CreateRunRequest {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true, description: 'defaults to the caller' })
  user_id?: string;

  @ApiPropertyOptional({ type: String })
  run_name?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64', description: 'milliseconds since the epoch; defaults to now' })
  start_time?: number;

  @ApiPropertyOptional({ type: () => RunTag, isArray: true })
  tags?: RunTag[];
}

export class RunResponse {
  @ApiProperty({ type: () => Run })
  run!: Run;
}

export class RunIdRequest {
  @ApiProperty({ type: String })
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true, description: 'the same as run_id, for old clients' })
  run_uuid?: string;
}

export class UpdateRunRequest extends RunIdRequest {
  @ApiPropertyOptional({ type: String, enum: RUN_STATUSES })
  status?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  end_time?: number;

  @ApiPropertyOptional({ type: String })
  run_name?: string;
}

export class UpdateRunResponse {
  @ApiProperty({ type: () => RunInfo })
  run_info!: RunInfo;
}

export class SearchRunsRequest {
  @ApiPropertyOptional({ type: String, isArray: true })
  experiment_ids?: string[];

  @ApiPropertyOptional({ type: String, description: "MLflow's filter grammar, e.g. metrics.rmse < 1 and params.model = 'tree'" })
  filter?: string;

  @ApiPropertyOptional({ type: String, enum: VIEW_TYPES, default: 'ACTIVE_ONLY' })
  run_view_type?: string;

  @ApiPropertyOptional({ type: Number, format: 'int32', default: 1000, description: 'at most 50000' })
  max_results?: number;

  @ApiPropertyOptional({ type: String, isArray: true })
  order_by?: string[];

  @ApiPropertyOptional({ type: String })
  page_token?: string;
}

export class SearchRunsResponse {
  @ApiPropertyOptional({ type: () => Run, isArray: true })
  runs?: Run[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}
