import { MlflowEnum, MlflowInt64, MlflowMaxLength, MlflowRepeated, MlflowRunId, MlflowString } from '@custos/platform';
import { MAX_RUN_USER_ID_LENGTH, SEARCH_MAX_RESULTS_THRESHOLD } from '@custos/tracking-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Run, RUN_STATUSES, RunInfo, RunTag, VIEW_TYPES } from './entities.dto';

export class CreateRunRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true, description: 'defaults to the caller' })
  @MlflowString()
  @MlflowMaxLength(MAX_RUN_USER_ID_LENGTH)
  user_id?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  run_name?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64', description: 'milliseconds since the epoch; defaults to now' })
  @MlflowInt64()
  start_time?: number;

  @ApiPropertyOptional({ type: () => RunTag, isArray: true })
  @MlflowRepeated(() => RunTag)
  tags?: RunTag[];
}

export class RunResponse {
  @ApiProperty({ type: () => Run })
  run!: Run;
}

export class RunIdRequest {
  @ApiProperty({ type: String })
  @MlflowRunId()
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true, description: 'the same as run_id, for old clients' })
  @MlflowString()
  run_uuid?: string;
}

export class UpdateRunRequest extends RunIdRequest {
  @ApiPropertyOptional({ type: String, enum: RUN_STATUSES })
  @MlflowEnum()
  status?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  @MlflowInt64()
  end_time?: number;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  run_name?: string;
}

export class UpdateRunResponse {
  @ApiProperty({ type: () => RunInfo })
  run_info!: RunInfo;
}

export class SearchRunsRequest {
  @ApiPropertyOptional({ type: String, isArray: true })
  @MlflowRepeated(String)
  experiment_ids?: string[];

  @ApiPropertyOptional({ type: String, description: "MLflow's filter grammar, e.g. metrics.rmse < 1 and params.model = 'tree'" })
  @MlflowString()
  filter?: string;

  @ApiPropertyOptional({ type: String, enum: VIEW_TYPES, default: 'ACTIVE_ONLY' })
  @MlflowEnum()
  run_view_type?: string;

  @ApiPropertyOptional({ type: Number, format: 'int32', default: 1000, description: 'at most 50000' })
  @MlflowInt64({ max: SEARCH_MAX_RESULTS_THRESHOLD })
  max_results?: number;

  @ApiPropertyOptional({ type: String, isArray: true })
  @MlflowRepeated(String)
  order_by?: string[];

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  page_token?: string;
}

export class SearchRunsResponse {
  @ApiPropertyOptional({ type: () => Run, isArray: true })
  runs?: Run[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}
