import { MlflowInt64, MlflowRepeated, MlflowRunId, MlflowString } from '@custos/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Metric } from './entities.dto';

export class GetMetricHistoryRequest {
  @ApiProperty({ type: String })
  @MlflowRunId()
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true })
  @MlflowString()
  run_uuid?: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  metric_key!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  page_token?: string;

  @ApiPropertyOptional({ type: Number, format: 'int32', description: 'omitted: the whole history' })
  @MlflowInt64()
  max_results?: number;
}

export class MetricsResponse {
  @ApiPropertyOptional({ type: () => Metric, isArray: true })
  metrics?: Metric[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}

export class GetMetricHistoryBulkIntervalRequest {
  @ApiProperty({ type: String, isArray: true, description: 'at most 100' })
  @MlflowRepeated(String)
  run_ids!: string[];

  @ApiProperty({ type: String })
  @MlflowString()
  metric_key!: string;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  @MlflowInt64()
  start_step?: number;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  @MlflowInt64()
  end_step?: number;

  @ApiPropertyOptional({ type: Number, format: 'int32', description: 'points per run, 1 to 2500' })
  @MlflowInt64()
  max_results?: number;
}

export class GetMetricHistoryBulkRequest {
  @ApiProperty({ type: String, isArray: true, description: 'at most 100' })
  @MlflowRepeated(String)
  run_id!: string[];

  @ApiProperty({ type: String })
  @MlflowString()
  metric_key!: string;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  @MlflowInt64()
  max_results?: number;
}
