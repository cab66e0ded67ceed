import { MlflowDouble, MlflowInt64, MlflowMaxLength, MlflowRepeated, MlflowString } from '@custos/platform';
import { MAX_DATASET_DIGEST_SIZE, MAX_DATASET_NAME_SIZE, MAX_METRIC_MODEL_ID_LENGTH } from '@custos/tracking-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DatasetInput, Metric, ModelInput, ModelOutput, Param, RunTag } from './entities.dto';
import { RunIdRequest } from './runs.dto';

export class LogMetricRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;

  @ApiProperty({ description: 'a number, or "NaN", "Infinity", "-Infinity"', oneOf: [{ type: 'number' }, { type: 'string' }] })
  @MlflowDouble({ required: true })
  value!: number;

  @ApiProperty({ type: Number, format: 'int64' })
  @MlflowInt64({ required: true })
  timestamp!: number;

  @ApiPropertyOptional({ type: Number, format: 'int64', default: 0 })
  @MlflowInt64()
  step?: number;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_METRIC_MODEL_ID_LENGTH)
  model_id?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_DATASET_NAME_SIZE)
  dataset_name?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_DATASET_DIGEST_SIZE)
  dataset_digest?: string;
}

export class LogParamRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  value!: string;
}

export class SetTagRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  value!: string;
}

export class DeleteTagRequest extends RunIdRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
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
  @MlflowRepeated(() => DatasetInput)
  datasets?: DatasetInput[];

  @ApiPropertyOptional({ type: () => ModelInput, isArray: true })
  @MlflowRepeated(() => ModelInput)
  models?: ModelInput[];
}

export class LogOutputsRequest extends RunIdRequest {
  @ApiProperty({ type: () => ModelOutput, isArray: true })
  @MlflowRepeated(() => ModelOutput, { required: true })
  models!: ModelOutput[];
}

export class LogModelRequest extends RunIdRequest {
  @ApiProperty({ type: String, description: 'the MLmodel file as JSON text' })
  @MlflowString({ required: true })
  model_json!: string;
}
