import { MlflowBool, MlflowEnum, MlflowInt64, MlflowMaxLength, MlflowRepeated, MlflowString } from '@custos/platform';
import { MAX_LOGGED_MODEL_NAME_LENGTH } from '@custos/tracking-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KeyValue, Metric } from './entities.dto';

export const LOGGED_MODEL_STATUSES = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

export class LoggedModelTag extends KeyValue {}
export class LoggedModelParameter extends KeyValue {}

export class LoggedModelInfo {
  @ApiProperty({ type: String })
  model_id!: string;

  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  creation_timestamp_ms?: number;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  last_updated_timestamp_ms?: number;

  @ApiPropertyOptional({ type: String })
  artifact_uri?: string;

  @ApiPropertyOptional({ type: String, enum: LOGGED_MODEL_STATUSES })
  status?: string;

  @ApiPropertyOptional({ type: String })
  model_type?: string;

  @ApiPropertyOptional({ type: String })
  source_run_id?: string;

  @ApiPropertyOptional({ type: () => LoggedModelTag, isArray: true })
  tags?: LoggedModelTag[];
}

export class LoggedModelData {
  @ApiPropertyOptional({ type: () => LoggedModelParameter, isArray: true })
  params?: LoggedModelParameter[];

  @ApiPropertyOptional({ type: () => Metric, isArray: true })
  metrics?: Metric[];
}

export class LoggedModel {
  @ApiProperty({ type: () => LoggedModelInfo })
  info!: LoggedModelInfo;

  @ApiPropertyOptional({ type: () => LoggedModelData })
  data?: LoggedModelData;
}

export class LoggedModelResponse {
  @ApiProperty({ type: () => LoggedModel })
  model!: LoggedModel;
}

export class CreateLoggedModelRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_LOGGED_MODEL_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  @MlflowMaxLength(MAX_LOGGED_MODEL_NAME_LENGTH)
  model_type?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  source_run_id?: string;

  @ApiPropertyOptional({ type: () => LoggedModelParameter, isArray: true })
  @MlflowRepeated(() => LoggedModelParameter)
  params?: LoggedModelParameter[];

  @ApiPropertyOptional({ type: () => LoggedModelTag, isArray: true })
  @MlflowRepeated(() => LoggedModelTag)
  tags?: LoggedModelTag[];
}

export class DatasetFilter {
  @ApiProperty({ type: String })
  @MlflowString()
  dataset_name!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  dataset_digest?: string;
}

export class LoggedModelOrderBy {
  @ApiProperty({ type: String })
  @MlflowString()
  field_name!: string;

  @ApiPropertyOptional({ type: Boolean, default: true })
  @MlflowBool()
  ascending?: boolean;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  dataset_name?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  dataset_digest?: string;
}

export class SearchLoggedModelsRequest {
  @ApiPropertyOptional({ type: String, isArray: true })
  @MlflowRepeated(String)
  experiment_ids?: string[];

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  filter?: string;

  @ApiPropertyOptional({ type: () => DatasetFilter, isArray: true })
  @MlflowRepeated(() => DatasetFilter)
  datasets?: DatasetFilter[];

  @ApiPropertyOptional({ type: Number, format: 'int32' })
  @MlflowInt64()
  max_results?: number;

  @ApiPropertyOptional({ type: () => LoggedModelOrderBy, isArray: true })
  @MlflowRepeated(() => LoggedModelOrderBy)
  order_by?: LoggedModelOrderBy[];

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  page_token?: string;
}

export class SearchLoggedModelsResponse {
  @ApiPropertyOptional({ type: () => LoggedModel, isArray: true })
  models?: LoggedModel[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}

export class GetLoggedModelRequest {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'answer a deleted model too' })
  @MlflowBool()
  allow_deleted?: boolean;
}

export class FinalizeLoggedModelRequest {
  @ApiProperty({ type: String, enum: ['LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] })
  @MlflowEnum()
  status!: string;
}

export class SetLoggedModelTagsRequest {
  @ApiProperty({ type: () => LoggedModelTag, isArray: true })
  @MlflowRepeated(() => LoggedModelTag)
  tags!: LoggedModelTag[];
}

export class LogLoggedModelParamsRequest {
  @ApiProperty({ type: () => LoggedModelParameter, isArray: true })
  @MlflowRepeated(() => LoggedModelParameter)
  params!: LoggedModelParameter[];
}
