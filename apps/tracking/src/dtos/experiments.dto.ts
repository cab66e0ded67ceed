import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Experiment, ExperimentTag, VIEW_TYPES } from './entities.dto';

export class CreateExperimentRequest {
  @ApiProperty({ type: String })
  name!: string;

  @ApiPropertyOptional({ type: String })
  artifact_location?: string;

  @ApiPropertyOptional({ type: () => ExperimentTag, isArray: true })
  tags?: ExperimentTag[];
}

export class CreateExperimentResponse {
  @ApiProperty({ type: String })
  experiment_id!: string;
}

export class GetExperimentRequest {
  @ApiProperty({ type: String })
  experiment_id!: string;
}

export class GetExperimentByNameRequest {
  @ApiProperty({ type: String })
  experiment_name!: string;
}

export class ExperimentResponse {
  @ApiProperty({ type: () => Experiment })
  experiment!: Experiment;
}

export class SearchExperimentsRequest {
  @ApiPropertyOptional({ type: Number, format: 'int64', default: 1000, description: 'at most 50000' })
  max_results?: number;

  @ApiPropertyOptional({ type: String })
  page_token?: string;

  @ApiPropertyOptional({ type: String, description: "MLflow's filter grammar, e.g. name LIKE 'a%'" })
  filter?: string;

  @ApiPropertyOptional({ type: String, isArray: true, description: 'e.g. "name ASC", "last_update_time DESC"' })
  order_by?: string[];

  @ApiPropertyOptional({ type: String, enum: VIEW_TYPES, default: 'ACTIVE_ONLY' })
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
  experiment_id!: string;

  @ApiProperty({ type: String })
  new_name!: string;
}

export class ExperimentIdRequest {
  @ApiProperty({ type: String })
  experiment_id!: string;
}

export class SetExperimentTagRequest {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  key!: string;

  @ApiProperty({ type: String })
  value!: string;
}

export class DeleteExperimentTagRequest {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  key!: string;
}
