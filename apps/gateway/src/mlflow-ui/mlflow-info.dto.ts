import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ServerFeatures {
  @ApiProperty({ type: Boolean })
  gateway!: boolean;
}

/** `GET /api/3.0/mlflow/server-info`, in MLflow's field names. */
export class ServerInfoResponse {
  @ApiProperty({ type: String, nullable: true, description: "MLflow's own store name; null for any other store" })
  store_type!: string | null;

  @ApiProperty({ type: Boolean })
  workspaces_enabled!: boolean;

  @ApiProperty({ type: Boolean })
  trace_archival_enabled!: boolean;

  @ApiProperty({ type: Boolean })
  multipart_uploads_enabled!: boolean;

  @ApiProperty({ type: Boolean })
  multipart_downloads_enabled!: boolean;

  @ApiProperty({ type: Boolean })
  presigned_upload_run_id_supported!: boolean;

  @ApiProperty({ type: Boolean })
  presigned_upload_model_id_supported!: boolean;

  @ApiProperty({ type: () => ServerFeatures })
  features_enabled!: ServerFeatures;
}

export class UiTelemetryConfigResponse {
  @ApiProperty({ type: Boolean })
  disable_ui_telemetry!: boolean;

  @ApiProperty({ type: String, isArray: true })
  disable_ui_events!: string[];

  @ApiProperty({ type: Number })
  ui_rollout_percentage!: number;
}

export class UiTelemetryRecordsResponse {
  @ApiProperty({ type: String, example: 'disabled' })
  status!: string;
}

/** `GET .../assistant/config`: no provider, no project, nothing reachable from this host. */
export class AssistantConfigResponse {
  @ApiProperty({ type: 'object', additionalProperties: true })
  providers!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  projects!: Record<string, unknown>;

  @ApiProperty({ type: Boolean })
  remote_access_allowed!: boolean;
}

/** `GET .../assistant/providers`: none to choose. */
export class AssistantProvidersResponse {
  @ApiProperty({ type: 'object', isArray: true, additionalProperties: true })
  providers!: unknown[];

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  resolved!: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  gateway_vendor_options!: Record<string, unknown>;
}

export class GatewayProxyResponse {
  @ApiProperty({ type: 'object', isArray: true, additionalProperties: true, description: 'none: no AI gateway behind the MLflow UI' })
  endpoints!: unknown[];
}

/** The UI's telemetry records: not read, nothing is recorded. */
export class UiTelemetryRecordsRequest {
  @ApiPropertyOptional({ type: 'object', isArray: true, additionalProperties: true })
  records?: unknown[];
}

/** A call the UI would pass on to MLflow's AI gateway; none is behind it, so it is not read. */
export class GatewayProxyRequest {
  @ApiPropertyOptional({ type: String })
  gateway_path?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  json_data?: Record<string, unknown>;
}

/** A message or setting for the assistant: not read, since none runs here. */
export class AssistantRequest {
  @ApiPropertyOptional({ type: String })
  message?: string;
}
