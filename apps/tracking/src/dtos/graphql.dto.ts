import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A GraphQL request against MLflow's schema (`mlflowGetRun`, `mlflowSearchRuns`, ...). */
export class GraphqlRequestBody {
  @ApiProperty({ type: String })
  query!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String })
  operationName?: string;
}

/** The same request in a query string; `variables` is JSON text. */
export class GraphqlRequestQuery {
  @ApiProperty({ type: String })
  query!: string;

  @ApiPropertyOptional({ type: String, description: 'JSON' })
  variables?: string;

  @ApiPropertyOptional({ type: String })
  operationName?: string;
}

/** MLflow's answer: the data, and its errors as plain messages. */
export class GraphqlResponse {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  data?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: String, isArray: true })
  errors?: string[];
}
