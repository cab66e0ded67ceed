import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Metric } from './entities.dto';

export class GetMetricHistoryRequest {
  @ApiProperty({ type: String })
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true })
  run_uuid?: string;

  @ApiProperty({ type: String })
  metric_key!: string;

  @ApiPropertyOptional({ type: String })
  page_token?: string;

  @ApiPropertyOptional({ type: Number, format: 'int32', description: 'omitted: the whole history' })
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
  run_ids!: string[];

  @ApiProperty({ type: String })
  metric_key!: string;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  start_step?: number;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  end_step?: number;

  @ApiPropertyOptional({ type: Number, format: 'int32', description: 'points per run, 1 to 2500' })
  max_results?: number;
}

export class GetMetricHistoryBulkRequest {
  @ApiProperty({ type: String, isArray: true, description: 'at most 100' })
  run_id!: string[];

  @ApiProperty({ type: String })
  metric_key!: string;

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  max_results?: number;
}
