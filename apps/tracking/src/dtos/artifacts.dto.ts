import { MlflowRunId, MlflowString } from '@custos/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FileInfo } from './entities.dto';

export class ListRunArtifactsRequest {
  @ApiProperty({ type: String })
  @MlflowRunId()
  run_id!: string;

  @ApiPropertyOptional({ type: String, deprecated: true })
  @MlflowString()
  run_uuid?: string;

  @ApiPropertyOptional({ type: String, description: 'relative to the run artifact root; omitted: the root' })
  @MlflowString()
  path?: string;

  @ApiPropertyOptional({ type: String })
  @MlflowString()
  page_token?: string;
}

export class ListRunArtifactsResponse {
  @ApiPropertyOptional({ type: String })
  root_uri?: string;

  @ApiPropertyOptional({ type: () => FileInfo, isArray: true })
  files?: FileInfo[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}

export class ListProxiedArtifactsRequest {
  @ApiPropertyOptional({ type: String, description: 'e.g. 1/<run_id>/artifacts/model; omitted: the store root' })
  path?: string;
}

export class ListProxiedArtifactsResponse {
  @ApiPropertyOptional({ type: () => FileInfo, isArray: true })
  files?: FileInfo[];
}

export class MultipartUploadRequest {
  @ApiPropertyOptional({ type: String })
  path?: string;

  @ApiPropertyOptional({ type: Number, format: 'int64' })
  num_parts?: number;

  @ApiPropertyOptional({ type: String })
  upload_id?: string;
}

/** `GET /get-artifact`: one file of a run, by the run and a path below its artifact root. */
export class GetRunArtifactRequest {
  @ApiProperty({ type: String, description: 'relative to the run artifact root' })
  path!: string;

  @ApiPropertyOptional({ type: String })
  run_id?: string;

  @ApiPropertyOptional({ type: String, deprecated: true })
  run_uuid?: string;
}

/** `POST /ajax-api/2.0/mlflow/upload-artifact`: the body is the file (at most 10 MB, as in MLflow). */
export class UploadRunArtifactRequest {
  @ApiProperty({ type: String, description: 'relative to the run artifact root' })
  path!: string;

  @ApiPropertyOptional({ type: String })
  run_uuid?: string;

  @ApiPropertyOptional({ type: String })
  run_id?: string;
}

export class ListLoggedModelArtifactsRequest {
  @ApiPropertyOptional({ type: String, description: "relative to the logged model's artifact root; omitted: the root" })
  artifact_directory_path?: string;
}

export class GetLoggedModelArtifactRequest {
  @ApiProperty({ type: String, description: "relative to the logged model's artifact root" })
  artifact_file_path!: string;
}
