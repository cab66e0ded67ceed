import { MlflowEnum, MlflowInt64, MlflowRepeated, MlflowString } from '@custos/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Experiment, ExperimentTag, VIEW_TYPES } from './entities.dto';

export class CreateExperimentRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  name!: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  artifact_location?: string;

  @ApiPropertyOptional({ type: () => ExperimentTag, isArray: true })
  @MlflowRepeated(() => ExperimentTag)
  tags?: ExperimentTag[];
}

export class CreateExperimentResponse {
  @ApiProperty({ type: String })
  experiment_id!: string;
}

export class GetExperimentRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;
}

export class GetExperimentByNameRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_name!: string;
}

export class ExperimentResponse {
  @ApiProperty({ type: () => Experiment })
  experiment!: Experiment;
}

export class SearchExperimentsRequest {
  @ApiPropertyOptional({ type: Number, format: 'int64', default: 1000, description: 'at most 50000' })
  @MlflowInt64()
  max_results?: number;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  page_token?: string;

  @ApiPropertyOptional({ type: String, description: "MLflow's filter grammar, e.g. name LIKE 'a%'" })
  @MlflowString()
  filter?: string;

  @ApiPropertyOptional({ type: String, isArray: true, description: 'e.g. "name ASC", "last_update_time DESC"' })
  @MlflowRepeated(String)
  order_by?: string[];

  @ApiPropertyOptional({ type: String, enum: VIEW_TYPES, default: 'ACTIVE_ONLY' })
  @MlflowEnum()
  view_type?: string;
}

export class SearchExperimentsResponse {
  @ApiPropertyOptional({ type: () => Experiment, isArray: true })
  experiments?: Experiment[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}

export class UpdateExperimentRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  new_name!: string;
}

export class ExperimentIdRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;
}

export class SetExperimentTagRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;

  @ApiProperty({ type: String })
  @MlflowString()
  value!: string;
}

export class DeleteExperimentTagRequest {
  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  experiment_id!: string;

  @ApiProperty({ type: String })
  @MlflowString({ required: true })
  key!: string;
}
