import { MlflowRepeated } from '@custos/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SearchDatasetsRequest {
  @ApiProperty({ type: String, isArray: true, description: 'at most 20; those the caller may not read are left out' })
  @MlflowRepeated(String)
  experiment_ids!: string[];
}

export class DatasetSummary {
  @ApiProperty({ type: String })
  experiment_id!: string;

  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String })
  digest!: string;

  @ApiPropertyOptional({ type: String, description: "the input's mlflow.data.context tag" })
  context?: string;
}

export class SearchDatasetsResponse {
  @ApiProperty({ type: () => DatasetSummary, isArray: true })
  dataset_summaries!: DatasetSummary[];
}
