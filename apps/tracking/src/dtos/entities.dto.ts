import { MlflowInt64, MlflowMaxLength, MlflowMessage, MlflowRepeated, MlflowString } from '@custos/platform';
import { MAX_DATASET_SOURCE_TYPE_SIZE, MAX_LOGGED_MODEL_ID_LENGTH } from '@custos/tracking-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// MLflow's entity messages (mlflow/protos/service.proto) as they travel in JSON: int64 as numbers,
// enums by name. Shared by the request and response classes of every tracking area.

export class KeyValue {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  value?: string;
}

export class ExperimentTag extends KeyValue {}
export class RunTag extends KeyValue {}
export class Param extends KeyValue {}

export class Experiment {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiPropertyOptional({ type: String })
  artifact_location?: string;

  @ApiPropertyOptional({ type: String, enum: ['active', 'deleted'] })
  lifecycle_stage?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  last_update_time?: number;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  creation_time?: number;

  @ApiPropertyOptional({ type: () => ExperimentTag, isArray: true })
  tags?: ExperimentTag[];
}

export class Metric {
  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ description: 'a number, or "NaN", "Infinity", "-Infinity"', oneOf: [{ type: 'number' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }] })
  value!: number | string;

  @ApiProperty({ type: Number, format: 'int64', description: 'milliseconds since the epoch' })
  timestamp!: number;

  @ApiPropertyOptional({ type: Number, format: 'int64', default: 0 })
  step?: number;

  @ApiPropertyOptional({ type: String, description: 'the run, in multi-run answers' })
  run_id?: string;

  @ApiPropertyOptional({ type: String })
  model_id?: string;

  @ApiPropertyOptional({ type: String })
  dataset_name?: string;

  @ApiPropertyOptional({ type: String })
  dataset_digest?: string;
}

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

export class RunInfo {
  @ApiProperty({ type: String })
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true, description: 'the same as run_id' })
  run_uuid?: string;

  @ApiPropertyOptional({ type: String })
  run_name?: string;

  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiPropertyOptional({ type: String })
  user_id?: string;

  @ApiPropertyOptional({ type: String, enum: RUN_STATUSES })
  status?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  start_time?: number;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  end_time?: number;

  @ApiPropertyOptional({ type: String })
  artifact_uri?: string;

  @ApiPropertyOptional({ type: String, enum: ['active', 'deleted'] })
  lifecycle_stage?: string;
}

export class RunData {
  @ApiPropertyOptional({ type: () => Metric, isArray: true, description: 'the latest value of each metric' })
  metrics?: Metric[];

  @ApiPropertyOptional({ type: () => Param, isArray: true })
  params?: Param[];

  @ApiPropertyOptional({ type: () => RunTag, isArray: true })
  tags?: RunTag[];
}

export class Dataset {
  @ApiProperty({ type: String })
  @MlflowString()
  name!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  digest!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_DATASET_SOURCE_TYPE_SIZE)
  source_type!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  source!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  schema?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  profile?: string;
}

export class InputTag extends KeyValue {}

export class DatasetInput {
  @ApiPropertyOptional({ type: () => InputTag, isArray: true })
  @MlflowRepeated(() => InputTag)
  tags?: InputTag[];

  @ApiProperty({ type: () => Dataset })
  @MlflowMessage(() => Dataset)
  dataset!: Dataset;
}

export class ModelInput {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  @MlflowMaxLength(MAX_LOGGED_MODEL_ID_LENGTH)
  model_id!: string;
}

export class ModelOutput {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  @MlflowMaxLength(MAX_LOGGED_MODEL_ID_LENGTH)
  model_id!: string;

  @ApiProperty({ type: Number, format: 'int64' })
  @MlflowInt64()
  step!: number;
}

export class RunInputs {
  @ApiPropertyOptional({ type: () => DatasetInput, isArray: true })
  dataset_inputs?: DatasetInput[];

  @ApiPropertyOptional({ type: () => ModelInput, isArray: true })
  model_inputs?: ModelInput[];
}

export class RunOutputs {
  @ApiPropertyOptional({ type: () => ModelOutput, isArray: true })
  model_outputs?: ModelOutput[];
}

export class Run {
  @ApiProperty({ type: () => RunInfo })
  info!: RunInfo;

  @ApiPropertyOptional({ type: () => RunData })
  data?: RunData;

  @ApiPropertyOptional({ type: () => RunInputs })
  inputs?: RunInputs;

  @ApiPropertyOptional({ type: () => RunOutputs })
  outputs?: RunOutputs;
}

export class FileInfo {
  @ApiProperty({ type: String, description: 'relative to the listed root' })
  path!: string;

  @ApiProperty({ type: Boolean })
  is_dir!: boolean;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  file_size?: number;
}

export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
