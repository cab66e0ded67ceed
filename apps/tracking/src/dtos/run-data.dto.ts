import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DatasetInput, Metric, ModelInput, ModelOutput, Param, RunTag } from './entities.dto';
import { RunIdRequest } from './runs.dto';

export class LogMetricRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ description: 'a number, or "NaN", "Infinity", "-Infinity"', oneOf: [{ type: 'number' }, { type: 'string' }] })
  value!: number | string;

  @ApiProperty({ type: Number, format: 'int64' })
  timestamp!: number;

  @ApiPropertyOptional({ type: Number, format: 'int64', default: 0 })
  step?: number;

  @ApiPropertyOptional({ type: String })
  model_id?: string;

  @ApiPropertyOptional({ type: String })
  dataset_name?: string;

  @ApiPropertyOptional({ type: String })
  dataset_digest?: string;
}

export class LogParamRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ type: String })
  value!: string;
}

export class SetTagRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ type: String })
  value!: string;
}

export class DeleteTagRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  key!: string;
}

export class LogBatchRequest extends RunIdRequest {
  @ApiPropertyOptional({ type: () => Metric, isArray: true, description: 'at most 1000' })
  metrics?: Metric[];

  @ApiPropertyOptional({ type: () => Param, isArray: true, description: 'at most 100' })
  params?: Param[];

  @ApiPropertyOptional({ type: () => RunTag, isArray: true, description: 'at most 100' })
  tags?: RunTag[];
}

export class LogInputsRequest extends RunIdRequest {
  @ApiPropertyOptional({ type: () => DatasetInput, isArray: true })
  datasets?: DatasetInput[];

  @ApiPropertyOptional({ type: () => ModelInput, isArray: true })
  models?: ModelInput[];
}

export class LogOutputsRequest extends RunIdRequest {
  @ApiProperty({ type: () => ModelOutput, isArray: true })
  models!: ModelOutput[];
}

export class LogModelRequest extends RunIdRequest {
  @ApiProperty({ type: String, description: 'the MLmodel file as JSON text' })
  model_json!: string;
}
