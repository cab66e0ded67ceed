import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * The AI routes' shapes for the OpenAPI document only: the bodies are read and checked by the
 * fronts' parsers in @custos/ai-domain (a 4xx in the caller's dialect), not by class validation.
 */

export class OpenAiErrorDetail {
  @ApiProperty({ type: String })
  message!: string;

  @ApiProperty({ type: String, example: 'invalid_request_error' })
  type!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  param?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  code?: string | null;
}

/** OpenAI's error object, as every /v1/* route (but /v1/messages) answers errors. */
export class OpenAiErrorBody {
  @ApiProperty({ type: OpenAiErrorDetail })
  error!: OpenAiErrorDetail;
}

export class AnthropicErrorDetail {
  @ApiProperty({ type: String, example: 'invalid_request_error' })
  type!: string;

  @ApiProperty({ type: String })
  message!: string;
}

/** Anthropic's error object, as /v1/messages answers errors. */
export class AnthropicErrorBody {
  @ApiProperty({ type: String, example: 'error' })
  type!: string;

  @ApiProperty({ type: AnthropicErrorDetail })
  error!: AnthropicErrorDetail;
}

export class ChatMessageDoc {
  @ApiProperty({ type: String, enum: ['system', 'developer', 'user', 'assistant', 'tool'] })
  role!: string;

  @ApiPropertyOptional({ description: 'text, or content parts', type: String })
  content?: string;
}

export class OpenAiChatRequestDoc {
  @ApiProperty({ type: String, description: 'the endpoint name' })
  model!: string;

  @ApiProperty({ type: ChatMessageDoc, isArray: true })
  messages!: ChatMessageDoc[];

  @ApiPropertyOptional({ type: Boolean, description: 'answer as server-sent events' })
  stream?: boolean;

  @ApiPropertyOptional({ type: Number })
  temperature?: number;

  @ApiPropertyOptional({ type: Number })
  max_tokens?: number;
}

export class OpenAiCompletionRequestDoc {
  @ApiProperty({ type: String, description: 'the endpoint name' })
  model!: string;

  @ApiProperty({ type: String, description: 'a string or an array of strings' })
  prompt!: string;

  @ApiPropertyOptional({ type: Boolean })
  stream?: boolean;
}

export class OpenAiEmbeddingsRequestDoc {
  @ApiProperty({ type: String, description: 'the endpoint name' })
  model!: string;

  @ApiProperty({ type: String, description: 'a string, strings, or token ids' })
  input!: string;
}

export class AnthropicMessagesRequestDoc {
  @ApiProperty({ type: String, description: 'the endpoint name' })
  model!: string;

  @ApiProperty({ type: Number })
  max_tokens!: number;

  @ApiProperty({ type: ChatMessageDoc, isArray: true })
  messages!: ChatMessageDoc[];

  @ApiPropertyOptional({ type: String })
  system?: string;

  @ApiPropertyOptional({ type: Boolean })
  stream?: boolean;
}

/** An MLflow deployments invocation: the endpoint task's fields, plus `parameters` merged into the call. */
export class MlflowInvocationRequestDoc {
  @ApiPropertyOptional({ type: ChatMessageDoc, isArray: true, description: 'chat endpoints' })
  messages?: ChatMessageDoc[];

  @ApiPropertyOptional({ type: String, description: 'completions endpoints' })
  prompt?: string;

  @ApiPropertyOptional({ type: String, description: 'embeddings endpoints' })
  input?: string;

  @ApiPropertyOptional({ type: Object, description: 'extra request parameters, handled by the endpoint’s unknown-parameter policy' })
  parameters?: Record<string, unknown>;
}

export class MlflowGatewayChatRequestDoc extends OpenAiChatRequestDoc {}

/** A call's answer in the caller's dialect (JSON, or server-sent events when streamed). */
export class AiCallResponseDoc {
  @ApiPropertyOptional({ type: String })
  id?: string;

  @ApiPropertyOptional({ type: String })
  object?: string;

  @ApiPropertyOptional({ type: String })
  model?: string;
}

export class OpenAiModelDoc {
  @ApiProperty({ type: String })
  id!: string;

  @ApiProperty({ type: String, example: 'model' })
  object!: string;

  @ApiProperty({ type: Number })
  created!: number;

  @ApiProperty({ type: String })
  owned_by!: string;
}

export class OpenAiModelListDoc {
  @ApiProperty({ type: String, example: 'list' })
  object!: string;

  @ApiProperty({ type: OpenAiModelDoc, isArray: true })
  data!: OpenAiModelDoc[];
}

export class MlflowEndpointDoc {
  @ApiProperty({ type: String })
  name!: string;

  @ApiProperty({ type: String, example: 'llm/v1/chat' })
  endpoint_type!: string;

  @ApiPropertyOptional({ type: String })
  endpoint_url?: string;
}

export class MlflowEndpointListDoc {
  @ApiProperty({ type: MlflowEndpointDoc, isArray: true })
  endpoints!: MlflowEndpointDoc[];

  @ApiPropertyOptional({ type: String })
  next_page_token?: string;
}

export class MlflowEndpointListQuery {
  @ApiPropertyOptional({ type: String })
  page_token?: string;
}
